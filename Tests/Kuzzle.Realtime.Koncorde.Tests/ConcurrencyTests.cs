using Kuzzle.Realtime.Koncorde.Tests.Support;

namespace Kuzzle.Realtime.Koncorde.Tests;

/// <summary>Registrations and removals racing with tests: no exception, and stable filters always match.</summary>
public sealed class ConcurrencyTests
{
    [Test]
    [CancelAfter(60000)]
    public void Writers_and_readers_run_concurrently()
    {
        var engine = new KoncordeEngine();
        const string index = "race/collection";
        var stable = new[]
        {
            engine.Register(index, JsonText.Parse("""{"equals":{"kind":"doc"}}""")),
            engine.Register(index, JsonText.Parse("""{"range":{"n":{"gte":0,"lt":1000}}}""")),
            engine.Register(index, JsonText.Parse("""{"geoDistance":{"loc":[10,10],"distance":"500km"}}""")),
        };
        var document = JsonText.Parse("""{"kind":"doc","n":500,"loc":[10.5,10.5],"s":"abc"}""");
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            var checks = 0;
            while (!stop.IsCancellationRequested || checks < 100)
            {
                var ids = engine.Test(index, document);
                foreach (var id in stable)
                {
                    if (!ids.Contains(id))
                    {
                        failures.Enqueue($"stable filter {id} missing");
                    }
                }

                checks++;
            }

            return checks;
        })).ToArray();

        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(() =>
        {
            var random = new Random(w);
            var mine = new List<string>();
            for (var i = 0; i < 3000; i++)
            {
                var filter = random.Next(4) switch
                {
                    0 => "{\"equals\":{\"kind\":\"k" + random.Next(100) + "\"}}",
                    1 => "{\"range\":{\"n\":{\"gte\":" + random.Next(1000) + ",\"lt\":" + (1000 + random.Next(1000)) + "}}}",
                    2 => "{\"geoBoundingBox\":{\"loc\":{\"top\":" + random.Next(10, 80) + ",\"left\":0,\"bottom\":0,\"right\":" + random.Next(5, 80) + "}}}",
                    _ => "{\"regexp\":{\"s\":\"^" + (char)('a' + random.Next(3)) + "\"}}",
                };
                mine.Add(engine.Register(index, JsonText.Parse(filter)));
                if (mine.Count > 200)
                {
                    var at = random.Next(mine.Count);
                    if (!stable.Contains(mine[at]))
                    {
                        engine.Remove(mine[at]);
                    }

                    mine.RemoveAt(at);
                }
            }
        })).ToArray();

        Task.WaitAll(writers);
        stop.Cancel();
        var checks = readers.Sum(r => r.Result);
        Assert.That(failures, Is.Empty);
        Assert.That(checks, Is.GreaterThan(300));
        foreach (var id in stable)
        {
            Assert.That(engine.Has(id), Is.True);
        }
    }
}

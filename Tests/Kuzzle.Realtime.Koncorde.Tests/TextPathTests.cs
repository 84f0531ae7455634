using System.Text;
using Kuzzle.Realtime.Koncorde.Json;
using Kuzzle.Realtime.Koncorde.Matching;
using Kuzzle.Realtime.Koncorde.Tests.Support;

namespace Kuzzle.Realtime.Koncorde.Tests;

/// <summary>
/// Documents given as JSON text: equality-only indexes read their fields straight from the text, others parse it;
/// both must give what the parsed document gives (the harness checks every test of the suite both ways).
/// </summary>
public sealed class TextPathTests
{
    [TestCase("""{"a":1,"a":2}""", "2")]
    [TestCase("""{"a":2,"a":1}""", "1")]
    [TestCase(""" { "b" : {"a":2, "s":"}{\"]"} , "a" : 1 } """, "1")]
    [TestCase("""{"b":[{"a":2},"]",[[]]],"a":true}""", "true")]
    [TestCase("""{"a":-0}""", "0")]
    [TestCase("""{"a":0.0}""", "0")]
    [TestCase("""{"a":1e400}""", null)]
    [TestCase("""{"a":10E-1}""", "1")]
    [TestCase("""{"a":null}""", "null")]
    [TestCase("""{"a":false}""", "false")]
    [TestCase("""{"a":"1"}""", "\"1\"")]
    [TestCase("""{"a":"t\u0072ue"}""", "\"true\"")]
    [TestCase("""{"\u0061":1}""", "1")]
    [TestCase("""{"a":{"x":1}}""", null)]
    [TestCase("""{"a":[1]}""", null)]
    [TestCase("""{}""", null)]
    public void Equalities_read_from_the_text_match_as_parsed(string document, string? matched)
    {
        var harness = new Harness();
        var ids = new Dictionary<string, string>
        {
            ["1"] = harness.Register("""{"equals":{"a":1}}"""),
            ["0"] = harness.Register("""{"equals":{"a":0}}"""),
            ["2"] = harness.Register("""{"equals":{"a":2}}"""),
            ["true"] = harness.Register("""{"equals":{"a":true}}"""),
            ["false"] = harness.Register("""{"equals":{"a":false}}"""),
            ["null"] = harness.Register("""{"equals":{"a":null}}"""),
            ["\"1\""] = harness.Register("""{"equals":{"a":"1"}}"""),
            ["\"true\""] = harness.Register("""{"equals":{"a":"true"}}"""),
        };

        var expected = matched is null ? [] : new[] { ids[matched] };
        Assert.That(harness.Test(document), Is.EqualTo(expected));
    }

    [Test]
    public void Text_that_is_not_an_object_or_not_json()
    {
        var harness = new Harness();
        harness.Register("""{"equals":{"a":1}}""");
        Assert.That(harness.Test("[1]"), Is.Empty);
        Assert.That(harness.Test("1"), Is.Empty);
        Assert.Throws(Is.InstanceOf<System.Text.Json.JsonException>(),
            () => harness.Engine.Test(Harness.Index, Encoding.UTF8.GetBytes("""{"a":1"""), null));
        Assert.Throws(Is.InstanceOf<System.Text.Json.JsonException>(),
            () => harness.Engine.Test(Harness.Index, Encoding.UTF8.GetBytes("""{"a":-}"""), null));
        Assert.That(harness.Engine.Test("no/index", Encoding.UTF8.GetBytes("not json"), null), Is.Empty);
    }

    [Test]
    public void The_reader_follows_whitespace_nesting_and_escapes()
    {
        var json = Encoding.UTF8.GetBytes(" {\n\t\"x\" :\r [ \"]\\\"\" , { \"}\" : [] } ] ,\"y\\n\":\"v\\\\\",\"z\": -1.5e3 } ");
        var reader = new RawObjectReader(json);
        var seen = new List<(string Name, bool Escaped, string Value)>();
        while (reader.TryReadProperty(out var name, out var escaped, out var value))
        {
            seen.Add((Encoding.UTF8.GetString(name), escaped, Encoding.UTF8.GetString(value)));
        }

        Assert.That(reader.IsObject, Is.True);
        Assert.That(reader.Malformed, Is.False);
        Assert.That(seen, Is.EqualTo(new[]
        {
            ("x", false, "[ \"]\\\"\" , { \"}\" : [] } ]"),
            ("y\\n", true, "\"v\\\\\""),
            ("z", false, "-1.5e3"),
        }));
    }

    [Test]
    public void The_reader_finds_string_ends_at_every_offset()
    {
        // Strings are searched eight bytes at a time, then by vector: put the escape and the end everywhere.
        for (var length = 0; length <= 80; length++)
        {
            for (var at = -1; at < length; at++)
            {
                var content = new string('x', length);
                if (at >= 0)
                {
                    content = content[..at] + "\\\"" + content[at..];
                }

                var json = Encoding.UTF8.GetBytes("{\"" + content + "\":\"" + content + "\",\"z\":1}");
                var reader = new RawObjectReader(json);
                Assert.That(reader.TryReadProperty(out var name, out var escaped, out var value), Is.True);
                Assert.That(Encoding.UTF8.GetString(name), Is.EqualTo(content));
                Assert.That(escaped, Is.EqualTo(at >= 0));
                Assert.That(Encoding.UTF8.GetString(value), Is.EqualTo("\"" + content + "\""));
                Assert.That(reader.TryReadProperty(out name, out _, out value), Is.True);
                Assert.That(Encoding.UTF8.GetString(value), Is.EqualTo("1"));
                Assert.That(reader.TryReadProperty(out _, out _, out _), Is.False);
                Assert.That(reader.Malformed, Is.False);
            }
        }
    }

    [TestCase("""{"a":1""")]
    [TestCase("""{"a" 1}""")]
    [TestCase("""{"a":"1}""")]
    [TestCase("""{"a":[1}""")]
    [TestCase("""{a:1}""")]
    [TestCase("""{"a":1 "b":2}""")]
    public void The_reader_reports_text_it_cannot_follow(string json)
    {
        var reader = new RawObjectReader(Encoding.UTF8.GetBytes(json));
        while (reader.TryReadProperty(out _, out _, out _))
        {
        }

        Assert.That(reader.Malformed, Is.True);
    }

    [Test]
    public void Key_map_keeps_its_contents_through_removals_and_compaction()
    {
        var map = new Utf8KeyMap<string>();
        var reference = new Dictionary<string, string>();
        var random = new Random(7);
        for (var step = 0; step < 20000; step++)
        {
            var key = "k" + random.Next(300);
            if (random.Next(3) == 0)
            {
                Assert.That(map.Remove(key), Is.EqualTo(reference.Remove(key)));
            }
            else
            {
                map.Set(key, key + step);
                reference[key] = key + step;
            }

            Assert.That(map.Count, Is.EqualTo(reference.Count));
        }

        for (var k = 0; k < 300; k++)
        {
            Assert.That(map.Get("k" + k), Is.EqualTo(reference.GetValueOrDefault("k" + k)));
        }

        Assert.That(map.Values, Is.EquivalentTo(reference.Values));
    }

    [Test]
    [CancelAfter(60000)]
    public void Equality_lookups_without_the_lock_race_writers_safely()
    {
        // Readers of an equality-only index take no lock: stable filters must always be found, and a filter removed
        // before a test starts must never be reported, while writers add and remove filters (and switch the index
        // in and out of the equality-only path with a range filter now and then).
        var engine = new KoncordeEngine();
        const string index = "race/equals";
        var stable = engine.Register(index, JsonText.Parse("""{"equals":{"kind":"doc"}}"""));
        var stableNumber = engine.Register(index, JsonText.Parse("""{"equals":{"n":5}}"""));
        var gone = engine.Register(index, JsonText.Parse("""{"equals":{"kind":"gone"}}"""));
        engine.Remove(gone);
        var document = JsonText.Parse("""{"kind":"doc","n":5}""");
        var text = Encoding.UTF8.GetBytes("""{"kind":"doc","n":5}""");
        var goneDocument = Encoding.UTF8.GetBytes("""{"kind":"gone"}""");
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            var checks = 0;
            while (!stop.IsCancellationRequested || checks < 100)
            {
                var ids = r == 0 ? engine.Test(index, document) : engine.Test(index, text);
                if (!ids.Contains(stable) || !ids.Contains(stableNumber))
                {
                    failures.Enqueue($"stable filter missing from [{string.Join(",", ids)}]");
                }

                if (engine.Test(index, goneDocument).Contains(gone))
                {
                    failures.Enqueue("removed filter reported");
                }

                checks++;
            }

            return checks;
        })).ToArray();

        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(() =>
        {
            var random = new Random(w);
            var mine = new List<string>();
            for (var i = 0; i < 20000; i++)
            {
                var filter = random.Next(50) switch
                {
                    0 => "{\"range\":{\"n\":{\"gte\":" + random.Next(1000) + "}}}",
                    < 25 => "{\"equals\":{\"kind\":\"k" + random.Next(5000) + "\"}}",
                    _ => "{\"equals\":{\"n\":" + random.Next(5000) + ".5}}",
                };
                mine.Add(engine.Register(index, JsonText.Parse(filter)));
                if (mine.Count > 500)
                {
                    var at = random.Next(mine.Count);
                    if (mine[at] != stable && mine[at] != stableNumber)
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
        Assert.That(failures.Take(5), Is.Empty);
        Assert.That(checks, Is.GreaterThan(200));
    }
}

using Kuzzle.Realtime.Koncorde.Tests.Support;

namespace Kuzzle.Realtime.Koncorde.Tests.Operators;

public sealed class RangeTests
{
    [TestCase("""{"range":{"r":{"gte":1,"lt":10}}}""", """{"r":1}""", true)]
    [TestCase("""{"range":{"r":{"gte":1,"lt":10}}}""", """{"r":10}""", false)]
    [TestCase("""{"range":{"r":{"gte":1,"lt":10}}}""", """{"r":9.99}""", true)]
    [TestCase("""{"range":{"r":{"gt":1}}}""", """{"r":1}""", false)]
    [TestCase("""{"range":{"r":{"gt":1}}}""", """{"r":1e300}""", true)]
    [TestCase("""{"range":{"r":{"lte":-5}}}""", """{"r":-5}""", true)]
    [TestCase("""{"range":{"r":{"gte":1,"lt":10}}}""", """{"r":"5"}""", false)]
    [TestCase("""{"range":{"r":{"gte":1,"lt":10}}}""", """{"r":[5]}""", false)]
    [TestCase("""{"range":{"r":{"gte":1,"lt":10}}}""", """{}""", false)]
    public void Range_matches_numbers_only(string filter, string document, bool expected)
    {
        Assert.That(Harness.Matches(filter, document), Is.EqualTo(expected));
    }

    [TestCase("""{"not":{"range":{"r":{"gte":1,"lt":10}}}}""", """{"r":"5"}""", true)]
    [TestCase("""{"not":{"range":{"r":{"gte":1,"lt":10}}}}""", """{}""", true)]
    [TestCase("""{"not":{"range":{"r":{"gte":1,"lt":10}}}}""", """{"r":5}""", false)]
    [TestCase("""{"not":{"range":{"r":{"gte":1,"lt":10}}}}""", """{"r":10}""", true)]
    [TestCase("""{"not":{"range":{"r":{"gte":1,"lt":10}}}}""", """{"r":0.5}""", true)]
    [TestCase("""{"not":{"range":{"r":{"gt":1}}}}""", """{"r":1}""", true)]
    public void Not_range_matches_everything_outside(string filter, string document, bool expected)
    {
        Assert.That(Harness.Matches(filter, document), Is.EqualTo(expected));
    }

    [Test]
    public void Many_intervals_find_exactly_the_containing_ones()
    {
        var harness = new Harness();
        var random = new Random(7);
        var intervals = new List<(double Low, double High, string Id)>();
        for (var i = 0; i < 500; i++)
        {
            var low = random.Next(-1000, 1000);
            var high = low + (random.Next(4) == 0 ? random.Next(1, 2000) : random.Next(1, 20));
            intervals.Add((low, high, harness.Register("{\"range\":{\"v\":{\"gte\":" + low + ",\"lte\":" + high + "}}}")));
        }

        intervals.Add((double.NegativeInfinity, 0, harness.Register("""{"range":{"v":{"lt":0}}}""")));
        intervals.Add((500, double.PositiveInfinity, harness.Register("""{"range":{"v":{"gte":500}}}""")));
        for (var x = -1100; x <= 1100; x += 37)
        {
            var expected = intervals.Where(i => (i.Low <= x && x <= i.High && !(double.IsNegativeInfinity(i.Low) && x == 0))).Select(i => i.Id).Order().ToList();
            Assert.That(harness.Test($$"""{"v":{{x}}}""").Order().ToList(), Is.EqualTo(expected), $"x = {x}");
        }
    }

    [TestCase("""{"range":{"r":{}}}""", "\"range.r\": must be a non-empty object")]
    [TestCase("""{"range":{"r":{"gt":"1"}}}""", "\"range.r.gt\": must be a number")]
    [TestCase("""{"range":{"r":{"foo":1}}}""", "\"range.r\": \"foo\" is not an allowed attribute (allowed: gt,gte,lt,lte)")]
    [TestCase("""{"range":{"r":{"lt":1,"lte":2}}}""", "\"range.r\": only 1 upper boundary allowed")]
    [TestCase("""{"range":{"r":{"gt":1,"gte":2}}}""", "\"range.r\": only 1 lower boundary allowed")]
    [TestCase("""{"range":{"r":{"gt":2,"lt":2}}}""", "\"range.r\": lower boundary must be strictly inferior to the upper one")]
    [TestCase("""{"range":{"r":1}}""", "\"range.r\": must be an object")]
    public void Validation_messages(string filter, string message)
    {
        Assert.That(Harness.Error(filter), Is.EqualTo(message));
    }
}

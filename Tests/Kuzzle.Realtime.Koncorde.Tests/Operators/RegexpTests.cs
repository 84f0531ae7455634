using Kuzzle.Realtime.Koncorde.Tests.Support;

namespace Kuzzle.Realtime.Koncorde.Tests.Operators;

public sealed class RegexpTests
{
    [TestCase("""{"regexp":{"s":"^ab"}}""", """{"s":"abc"}""", true)]
    [TestCase("""{"regexp":{"s":"^ab"}}""", """{"s":"cab"}""", false)]
    [TestCase("""{"regexp":{"s":"b$"}}""", """{"s":"ab\n"}""", false)]
    [TestCase("""{"regexp":{"s":{"value":"b$","flags":"m"}}}""", """{"s":"ab\nc"}""", true)]
    [TestCase("""{"regexp":{"s":{"value":"^AB","flags":"i"}}}""", """{"s":"abc"}""", true)]
    [TestCase("""{"regexp":{"s":"^\\d+$"}}""", """{"s":"123"}""", true)]
    [TestCase("""{"regexp":{"s":"^\\d+$"}}""", """{"s":"١٢٣"}""", false)]
    [TestCase("""{"regexp":{"s":"1"}}""", """{"s":1}""", false)]
    [TestCase("""{"regexp":{"s":"x"}}""", """{}""", false)]
    [TestCase("""{"not":{"regexp":{"s":"^ab"}}}""", """{"s":"cab"}""", true)]
    [TestCase("""{"not":{"regexp":{"s":"^ab"}}}""", """{}""", true)]
    [TestCase("""{"not":{"regexp":{"s":"1"}}}""", """{"s":1}""", false)]
    public void Matching(string filter, string document, bool expected)
    {
        Assert.That(Harness.Matches(filter, document), Is.EqualTo(expected));
    }

    [Test]
    public void Anchored_prefixes_and_free_patterns_mix()
    {
        var harness = new Harness();
        var anchored = harness.Register("""{"regexp":{"s":"^ab"}}""");
        var other = harness.Register("""{"regexp":{"s":"^ac"}}""");
        var free = harness.Register("""{"regexp":{"s":"b"}}""");
        var optional = harness.Register("""{"regexp":{"s":"^a?b"}}""");
        Assert.That(harness.Test("""{"s":"abc"}"""), Is.EquivalentTo(new[] { anchored, free, optional }));
        Assert.That(harness.Test("""{"s":"bc"}"""), Is.EquivalentTo(new[] { free, optional }));
        Assert.That(harness.Test("""{"s":"acb"}"""), Is.EquivalentTo(new[] { other, free }));
    }

    [TestCase("""{"regexp":{"s":"["}}""", "\"regexp.s\": cannot parse regexp expression \"/[/undefined\" (missing ]: [)")]
    [TestCase("""{"regexp":{"s":"(?=a)"}}""", "\"regexp.s\": cannot parse regexp expression \"/(?=a)/undefined\" (invalid perl operator: (?=)")]
    [TestCase("""{"regexp":{"s":{"value":"(a)\\1","flags":"i"}}}""", "\"regexp.s\": cannot parse regexp expression \"/(a)\\1/i\" (invalid escape sequence: \\1)")]
    [TestCase("""{"regexp":{"s":1}}""", "\"regexp.s\": must be either a string or a non-empty object")]
    [TestCase("""{"regexp":{"s":{}}}""", "\"regexp.s\": must be a non-empty object")]
    [TestCase("""{"regexp":{"s":{"flags":"i"}}}""", "\"regexp.s\": the property \"value\" is missing")]
    [TestCase("""{"regexp":{"s":{"value":"a","x":1}}}""", "\"regexp.s\": \"x\" is not an allowed attribute (allowed: flags,value)")]
    [TestCase("""{"regexp":{"s":{"value":"a","flags":1}}}""", "\"regexp.s.flags\": must be a string")]
    public void Validation_messages(string filter, string message)
    {
        Assert.That(Harness.Error(filter), Is.EqualTo(message));
    }

    [Test]
    public void Empty_flags_are_dropped_from_the_canonical_form()
    {
        var harness = new Harness();
        Assert.That(
            harness.Normalize("""{"regexp":{"s":{"value":"a","flags":""}}}""").Id,
            Is.EqualTo(harness.Normalize("""{"regexp":{"s":"a"}}""").Id));
    }
}

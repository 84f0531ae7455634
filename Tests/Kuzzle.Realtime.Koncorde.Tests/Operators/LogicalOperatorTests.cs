using Kuzzle.Realtime.Koncorde.Tests.Support;

namespace Kuzzle.Realtime.Koncorde.Tests.Operators;

public sealed class LogicalOperatorTests
{
    private const string Doc = """{"a":1,"b":"x","n":5}""";

    [TestCase("""{"and":[{"equals":{"a":1}},{"equals":{"b":"x"}}]}""", true)]
    [TestCase("""{"and":[{"equals":{"a":1}},{"equals":{"b":"y"}}]}""", false)]
    [TestCase("""{"or":[{"equals":{"a":2}},{"equals":{"b":"x"}}]}""", true)]
    [TestCase("""{"or":[{"equals":{"a":2}},{"equals":{"b":"y"}}]}""", false)]
    [TestCase("""{"not":{"not":{"equals":{"a":1}}}}""", true)]
    [TestCase("""{"not":{"and":[{"equals":{"a":1}},{"equals":{"b":"y"}}]}}""", true)]
    [TestCase("""{"not":{"or":[{"equals":{"a":1}},{"equals":{"b":"y"}}]}}""", false)]
    [TestCase("""{"and":[{"or":[{"equals":{"a":2}},{"range":{"n":{"gt":4}}}]},{"or":[{"exists":"b"},{"exists":"zz"}]}]}""", true)]
    [TestCase("""{"and":[{"or":[{"equals":{"a":2}},{"range":{"n":{"gt":5}}}]},{"or":[{"exists":"b"},{"exists":"zz"}]}]}""", false)]
    [TestCase("""{"or":[{"and":[{"equals":{"a":1}},{"missing":"b"}]},{"and":[{"equals":{"b":"x"}},{"not":{"exists":"q"}}]}]}""", true)]
    [TestCase("""{"nothing":{}}""", false)]
    [TestCase("""{}""", true)]
    public void Boolean_structure(string filter, bool expected)
    {
        Assert.That(Harness.Matches(filter, Doc), Is.EqualTo(expected));
    }

    [TestCase("""{"and":[]}""", "\"and\": cannot be empty")]
    [TestCase("""{"or":{}}""", "\"or\": must be an array")]
    [TestCase("""{"and":[{}]}""", "\"and\": can only contain non-empty objects")]
    [TestCase("""{"or":[1]}""", "\"or\": can only contain non-empty objects")]
    [TestCase("""{"not":{}}""", "\"not\": expected object to have exactly 1 property, got 0")]
    [TestCase("""{"and":[{"foo":1}]}""", "\"and.foo\": unknown keyword")]
    [TestCase("""{"equals":{"a":1},"exists":"a"}""", "Invalid filter syntax. Filters must have one keyword only")]
    [TestCase("""{"or":[{"equals":{"a":1},"exists":"a"}]}""", "\"or\": Invalid filter syntax. Filters must have one keyword only")]
    public void Validation_messages(string filter, string message)
    {
        Assert.That(Harness.Error(filter), Is.EqualTo(message));
    }

    [Test]
    public void Validate_checks_syntax_only()
    {
        var engine = new KoncordeEngine();
        Assert.DoesNotThrow(() => engine.Validate(JsonText.Parse("""{"in":{"a":[""" + string.Join(',', Enumerable.Range(0, 150).Select(i => $"\"v{i}\"")) + "]}}")));
        var error = Assert.Throws<KoncordeException>(() => engine.Validate(JsonText.Parse("""{"foo":1}""")));
        Assert.That(error!.Message, Is.EqualTo("\"foo\": unknown keyword"));
    }
}

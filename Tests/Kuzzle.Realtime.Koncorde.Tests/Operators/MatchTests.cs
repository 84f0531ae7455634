using Kuzzle.Realtime.Koncorde.Tests.Support;

namespace Kuzzle.Realtime.Koncorde.Tests.Operators;

public sealed class MatchTests
{
    [TestCase("""{"match":{"o":{"p":"x"}}}""", """{"o":{"p":"x","q":1}}""", true)]
    [TestCase("""{"match":{"o":{"p":"y"}}}""", """{"o":{"p":"x"}}""", false)]
    [TestCase("""{"match":{"o.p":"x"}}""", """{"o":{"p":"x"}}""", true)]
    [TestCase("""{"match":{"arr":["x"]}}""", """{"arr":["y","x"]}""", true)]
    [TestCase("""{"match":{"arr":["x","x"]}}""", """{"arr":["x","y"]}""", false)]
    [TestCase("""{"match":{"arr":[{"k":1}]}}""", """{"arr":[{"k":1,"j":2}]}""", true)]
    [TestCase("""{"match":{"a":1}}""", """{"a":"1"}""", false)]
    [TestCase("""{"match":{"a":null}}""", """{"a":null}""", true)]
    [TestCase("""{"match":{"a":{}}}""", """{"a":[]}""", false)]
    [TestCase("""{"not":{"match":{"a":1}}}""", """{"a":2}""", true)]
    public void Subset_matching(string filter, string document, bool expected)
    {
        Assert.That(Harness.Matches(filter, document), Is.EqualTo(expected));
    }

    [TestCase("""{"match":{}}""", "\"match\": must be a non-empty object")]
    [TestCase("""{"match":[1]}""", "\"match\": must be an object")]
    public void Validation_messages(string filter, string message)
    {
        Assert.That(Harness.Error(filter), Is.EqualTo(message));
    }
}

using Kuzzle.Realtime.Koncorde.Tests.Support;

namespace Kuzzle.Realtime.Koncorde.Tests.Operators;

/// <summary>bool: and of must, not(or(must_not)), or(should) — mandatory, unlike Elasticsearch — and not(and(should_not)).</summary>
public sealed class BoolTests
{
    private const string Doc = """{"a":1,"b":"x","n":5}""";

    [TestCase("""{"bool":{"must":[{"equals":{"a":1}}]}}""", true)]
    [TestCase("""{"bool":{"must":[{"equals":{"a":1}}],"should":[{"equals":{"b":"y"}}]}}""", false)]
    [TestCase("""{"bool":{"must":[{"equals":{"a":1}}],"should":[{"equals":{"b":"y"}},{"equals":{"b":"x"}}]}}""", true)]
    [TestCase("""{"bool":{"must_not":[{"equals":{"a":1}}]}}""", false)]
    [TestCase("""{"bool":{"must_not":[{"equals":{"a":2}},{"equals":{"b":"y"}}]}}""", true)]
    [TestCase("""{"bool":{"should_not":[{"equals":{"a":1}},{"equals":{"b":"x"}}]}}""", false)]
    [TestCase("""{"bool":{"should_not":[{"equals":{"a":1}},{"equals":{"b":"y"}}]}}""", true)]
    [TestCase("""{"bool":{"must":{"equals":{"a":1}}}}""", true)]
    public void Bool_rewrites_to_and_or_not(string filter, bool expected)
    {
        Assert.That(Harness.Matches(filter, Doc), Is.EqualTo(expected));
    }

    [TestCase("""{"bool":{}}""", "\"bool\": must be a non-empty object")]
    [TestCase("""{"bool":{"must":[],"filter":[]}}""", "\"bool\": \"filter\" is not an allowed attribute (allowed: must,must_not,should,should_not)")]
    [TestCase("""{"bool":{"must":[]}}""", "\"bool.and\": cannot be empty")]
    [TestCase("""{"bool":{"must_not":{"equals":{"a":1}}}}""", "\"bool.and.not.or\": must be an array")]
    public void Validation_messages(string filter, string message)
    {
        Assert.That(Harness.Error(filter), Is.EqualTo(message));
    }
}

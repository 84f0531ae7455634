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

    [TestCase("""{"and":[]}""", "\"and\": cannot be empty")]
    [TestCase("""{"or":{}}""", "\"or\": must be an array")]
    [TestCase("""{"and":[{}]}""", "\"and\": can only contain non-empty objects")]
    [TestCase("""{"or":[1]}""", "\"or\": can only contain non-empty objects")]
    [TestCase("""{"not":{}}""", "\"not\": expected object to have exactly 1 property, got 0")]
    [TestCase("""{"bool":{}}""", "\"bool\": must be a non-empty object")]
    [TestCase("""{"bool":{"must":[],"filter":[]}}""", "\"bool\": \"filter\" is not an allowed attribute (allowed: must,must_not,should,should_not)")]
    [TestCase("""{"bool":{"must":[]}}""", "\"bool.and\": cannot be empty")]
    [TestCase("""{"bool":{"must_not":{"equals":{"a":1}}}}""", "\"bool.and.not.or\": must be an array")]
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

public sealed class ConditionLimitTests
{
    private static string In(int count) => """{"in":{"a":[""" + string.Join(',', Enumerable.Range(0, count).Select(i => $"\"v{i}\"")) + "]}}";

    [Test]
    public void In_values_count_towards_the_limit()
    {
        Assert.That(Harness.Error(In(100)), Is.Null);
        Assert.That(Harness.Error(In(101)), Is.EqualTo("Filter too complex: exceeds the configured maximum number of conditions (conditions: 101, max: 100)"));
    }

    [Test]
    public void Limit_is_configurable_and_zero_disables_it()
    {
        Assert.That(Harness.Error(In(11), new KoncordeOptions { MaxConditions = 10 }), Does.StartWith("Filter too complex"));
        Assert.That(Harness.Error(In(500), new KoncordeOptions { MaxConditions = 0 }), Is.Null);
    }

    [Test]
    public void Ids_and_plain_terms_count_too()
    {
        var filter = """{"and":[{"ids":{"values":["a","b","c"]}},{"equals":{"x":1}},{"exists":"y"}]}""";
        Assert.That(Harness.Error(filter, new KoncordeOptions { MaxConditions = 4 }), Is.EqualTo("Filter too complex: exceeds the configured maximum number of conditions (conditions: 5, max: 4)"));
        Assert.That(Harness.Error(filter, new KoncordeOptions { MaxConditions = 5 }), Is.Null);
    }

    [Test]
    public void Exploding_normal_forms_are_rejected_instead_of_stalling()
    {
        var ors = string.Join(',', Enumerable.Range(0, 14).Select(i => "{\"or\":[{\"equals\":{\"a" + i + "\":1}},{\"equals\":{\"b" + i + "\":1}}]}"));
        Assert.That(Harness.Error($$"""{"and":[{{ors}}]}"""), Does.StartWith("Filter too complex"));
    }
}

using Kuzzle.Realtime.Koncorde.Tests.Support;

namespace Kuzzle.Realtime.Koncorde.Tests.Operators;

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

using Kuzzle.Realtime.Koncorde.Tests.Support;

namespace Kuzzle.Realtime.Koncorde.Tests.Operators;

public sealed class EqualsTests
{
    [TestCase("""{"equals":{"a":1}}""", """{"a":1}""", true)]
    [TestCase("""{"equals":{"a":1}}""", """{"a":1.0}""", true)]
    [TestCase("""{"equals":{"a":1}}""", """{"a":"1"}""", false)]
    [TestCase("""{"equals":{"a":"1"}}""", """{"a":1}""", false)]
    [TestCase("""{"equals":{"a":true}}""", """{"a":true}""", true)]
    [TestCase("""{"equals":{"a":true}}""", """{"a":1}""", false)]
    [TestCase("""{"equals":{"n":null}}""", """{"n":null}""", true)]
    [TestCase("""{"equals":{"n":null}}""", """{}""", false)]
    [TestCase("""{"equals":{"arr":"x"}}""", """{"arr":["x","y"]}""", false)]
    [TestCase("""{"equals":{"o.p":"x"}}""", """{"o":{"p":"x"}}""", true)]
    [TestCase("""{"equals":{"o.p.q":"x"}}""", """{"o":{"p":{"q":"x"}}}""", true)]
    [TestCase("""{"equals":{"list.k":1}}""", """{"list":[{"k":1}]}""", false)]
    [TestCase("""{"equals":{"a.b":1}}""", """{"a.b":1}""", true)]
    [TestCase("""{"equals":{"s":"é\"\\"}}""", """{"s":"\u00e9\"\\"}""", true)]
    [TestCase("""{"equals":{"a":0}}""", """{"a":-0}""", true)]
    [TestCase("""{"equals":{"_id":"doc1"}}""", """{"x":1}""", true)]
    public void Strict_type_and_value_equality(string filter, string document, bool expected)
    {
        Assert.That(Harness.Matches(filter, document, "doc1"), Is.EqualTo(expected));
    }

    [TestCase("""{"not":{"equals":{"a":1}}}""", """{"a":1}""", false)]
    [TestCase("""{"not":{"equals":{"a":1}}}""", """{}""", true)]
    [TestCase("""{"not":{"equals":{"a":1}}}""", """{"a":"1"}""", true)]
    [TestCase("""{"not":{"equals":{"a":1}}}""", """{"a":[1]}""", true)]
    [TestCase("""{"not":{"equals":{"a":null}}}""", """{}""", true)]
    public void Not_equals_matches_missing_fields_and_other_values(string filter, string document, bool expected)
    {
        Assert.That(Harness.Matches(filter, document), Is.EqualTo(expected));
    }

    [TestCase("""{"equals":{"a":[1]}}""", "\"equals.a\": must either be a string, a number, a boolean, or null")]
    [TestCase("""{"equals":{"a":{}}}""", "\"equals.a\": must either be a string, a number, a boolean, or null")]
    [TestCase("""{"equals":{}}""", "\"equals\": expected object to have exactly 1 property, got 0")]
    [TestCase("""{"equals":{"a":1,"b":2}}""", "\"equals\": expected object to have exactly 1 property, got 2")]
    [TestCase("""{"equals":"a"}""", "\"equals\": must be an object")]
    public void Validation_messages(string filter, string message)
    {
        Assert.That(Harness.Error(filter), Is.EqualTo(message));
    }

    [Test]
    public void Many_filters_on_one_field_each_match_their_own_value()
    {
        var harness = new Harness();
        var ids = Enumerable.Range(0, 200).Select(i => harness.Register("{\"equals\":{\"v\":\"value" + i + "\"}}")).ToList();
        Assert.That(harness.Test("""{"v":"value42"}"""), Is.EqualTo(new[] { ids[42] }));
        Assert.That(harness.Test("""{"v":"value200"}"""), Is.Empty);
    }
}

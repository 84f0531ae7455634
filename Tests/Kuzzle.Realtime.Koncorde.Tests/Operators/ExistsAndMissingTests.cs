using Kuzzle.Realtime.Koncorde.Tests.Support;

namespace Kuzzle.Realtime.Koncorde.Tests.Operators;

public sealed class ExistsAndMissingTests
{
    [TestCase("""{"exists":"n"}""", """{"n":null}""", true)]
    [TestCase("""{"exists":"n"}""", """{}""", false)]
    [TestCase("""{"exists":{"field":"n"}}""", """{"n":0}""", true)]
    [TestCase("""{"exists":"o.p"}""", """{"o":{"p":"x"}}""", true)]
    [TestCase("""{"exists":"o"}""", """{"o":{"p":"x"}}""", true)]
    [TestCase("""{"exists":"list.k"}""", """{"list":[{"k":1}]}""", false)]
    [TestCase("""{"exists":"arr[\"x\"]"}""", """{"arr":["x","y"]}""", true)]
    [TestCase("""{"exists":"arr[\"z\"]"}""", """{"arr":["x","y"]}""", false)]
    [TestCase("""{"exists":"arr[3.14]"}""", """{"arr":[1,3.14]}""", true)]
    [TestCase("""{"exists":"arr[false]"}""", """{"arr":[false]}""", true)]
    [TestCase("""{"exists":"arr[null]"}""", """{"arr":[null]}""", true)]
    [TestCase("""{"exists":"arr[1]"}""", """{"arr":["1"]}""", false)]
    [TestCase("""{"exists":"arr[\"x\"]"}""", """{"arr":"x"}""", false)]
    [TestCase("""{"exists":"a\\[b\\]"}""", """{"a[b]":1}""", true)]
    public void Exists(string filter, string document, bool expected)
    {
        Assert.That(Harness.Matches(filter, document), Is.EqualTo(expected));
    }

    [TestCase("""{"missing":"n"}""", """{"n":null}""", false)]
    [TestCase("""{"missing":"n"}""", """{"a":1}""", true)]
    [TestCase("""{"missing":{"field":"n"}}""", """{}""", true)]
    [TestCase("""{"missing":"arr[\"x\"]"}""", """{"arr":["y"]}""", true)]
    [TestCase("""{"missing":"arr[\"x\"]"}""", """{"arr":["x"]}""", false)]
    [TestCase("""{"missing":"arr[\"x\"]"}""", """{}""", true)]
    [TestCase("""{"missing":"arr[\"x\"]"}""", """{"arr":"x"}""", true)]
    public void Missing_is_not_exists(string filter, string document, bool expected)
    {
        Assert.That(Harness.Matches(filter, document), Is.EqualTo(expected));
    }

    [TestCase("""{"exists":""}""", "\"exists\": cannot test empty field name")]
    [TestCase("""{"exists":{"field":""}}""", "\"exists.field\": cannot be empty")]
    [TestCase("""{"exists":{"field":1}}""", "\"exists.field\": must be a string")]
    [TestCase("""{"exists":{"name":"a"}}""", "\"exists\": the property \"field\" is missing")]
    [TestCase("""{"exists":1}""", "\"exists\": must be an object")]
    [TestCase("""{"exists":"arr[x]"}""", "\"exists\": contains an invalid array value (\"x\")")]
    [TestCase("""{"missing":"arr[x]"}""", "\"missing\": contains an invalid array value (\"x\")")]
    public void Validation_messages(string filter, string message)
    {
        Assert.That(Harness.Error(filter), Is.EqualTo(message));
    }
}

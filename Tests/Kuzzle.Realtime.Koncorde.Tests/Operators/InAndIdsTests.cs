using Kuzzle.Realtime.Koncorde.Tests.Support;

namespace Kuzzle.Realtime.Koncorde.Tests.Operators;

public sealed class InAndIdsTests
{
    [TestCase("""{"in":{"a":["x","y"]}}""", """{"a":"y"}""", true)]
    [TestCase("""{"in":{"a":["x","y"]}}""", """{"a":"z"}""", false)]
    [TestCase("""{"in":{"a":["1"]}}""", """{"a":1}""", false)]
    [TestCase("""{"not":{"in":{"a":["x","y"]}}}""", """{"a":"z"}""", true)]
    [TestCase("""{"not":{"in":{"a":["x","y"]}}}""", """{"a":"x"}""", false)]
    public void In_is_an_or_of_equals(string filter, string document, bool expected)
    {
        Assert.That(Harness.Matches(filter, document), Is.EqualTo(expected));
    }

    [TestCase("""{"ids":{"values":["a","b"]}}""", "b", true)]
    [TestCase("""{"ids":{"values":["a","b"]}}""", "c", false)]
    [TestCase("""{"ids":{"values":["a"]}}""", null, false)]
    public void Ids_test_the_document_id(string filter, string? id, bool expected)
    {
        Assert.That(Harness.Matches(filter, """{"x":1}""", id), Is.EqualTo(expected));
    }

    [Test]
    public void Document_id_overrides_an_id_field_in_the_content()
    {
        Assert.That(Harness.Matches("""{"ids":{"values":["real"]}}""", """{"_id":"fake"}""", "real"), Is.True);
        Assert.That(Harness.Matches("""{"ids":{"values":["fake"]}}""", """{"_id":"fake"}""", "real"), Is.False);
    }

    [TestCase("""{"in":{"a":[1,2]}}""", "\"in.a\": must hold only values of type \"string\"")]
    [TestCase("""{"in":{"a":[]}}""", "\"in.a\": cannot be empty")]
    [TestCase("""{"in":{"a":"x"}}""", "\"in.a\": must be an array")]
    [TestCase("""{"in":{"a":["x"],"b":["y"]}}""", "\"in\": expected object to have exactly 1 property, got 2")]
    [TestCase("""{"ids":{"values":[1]}}""", "\"ids.values\": must hold only values of type \"string\"")]
    [TestCase("""{"ids":{"value":["a"]}}""", "\"ids\": the property \"values\" is missing")]
    [TestCase("""{"ids":{"values":["a"],"x":1}}""", "\"ids\": expected object to have exactly 1 property, got 2")]
    public void Validation_messages(string filter, string message)
    {
        Assert.That(Harness.Error(filter), Is.EqualTo(message));
    }
}

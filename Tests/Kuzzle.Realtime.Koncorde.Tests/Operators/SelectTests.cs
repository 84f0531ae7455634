using Kuzzle.Realtime.Koncorde.Tests.Support;

namespace Kuzzle.Realtime.Koncorde.Tests.Operators;

public sealed class SelectTests
{
    [TestCase("""{"select":{"field":"arr","index":-1,"query":{"equals":{"value":"y"}}}}""", """{"arr":["x","y"]}""", true)]
    [TestCase("""{"select":{"field":"arr","index":0,"query":{"equals":{"value":"y"}}}}""", """{"arr":["x","y"]}""", false)]
    [TestCase("""{"select":{"field":"arr","index":5,"query":{"exists":"value"}}}""", """{"arr":["x","y"]}""", false)]
    [TestCase("""{"select":{"field":"arr","index":-3,"query":{"exists":"value"}}}""", """{"arr":["x","y"]}""", false)]
    [TestCase("""{"select":{"field":"arr","index":0,"query":{"range":{"value.n":{"gt":1}}}}}""", """{"arr":[{"n":2}]}""", true)]
    [TestCase("""{"select":{"field":"arr","index":0,"query":{"equals":{"value":"x"}}}}""", """{"arr":"x"}""", false)]
    public void Array_element_tested_as_value(string filter, string document, bool expected)
    {
        Assert.That(Harness.Matches(filter, document), Is.EqualTo(expected));
    }

    [Test]
    public void Selects_sharing_an_index_share_the_nested_engine()
    {
        var harness = new Harness();
        var x = harness.Register("""{"select":{"field":"arr","index":0,"query":{"equals":{"value":"x"}}}}""");
        var y = harness.Register("""{"select":{"field":"arr","index":0,"query":{"equals":{"value":"y"}}}}""");
        Assert.That(harness.Test("""{"arr":["y"]}"""), Is.EqualTo(new[] { y }));
        harness.Engine.Remove(y);
        Assert.That(harness.Test("""{"arr":["y"]}"""), Is.Empty);
        Assert.That(harness.Test("""{"arr":["x"]}"""), Is.EqualTo(new[] { x }));
    }

    [TestCase("""{"select":{"field":"arr","index":0}}""", "\"select\": expected object to have exactly 3 properties, got 2")]
    [TestCase("""{"select":{"field":"","index":0,"query":{"exists":"a"}}}""", "\"select.field\": cannot be empty")]
    [TestCase("""{"select":{"field":"arr","index":"0","query":{"exists":"a"}}}""", "\"select.index\": must be an integer")]
    [TestCase("""{"select":{"field":"arr","index":0.5,"query":{"exists":"a"}}}""", "\"select.index\": cannot have decimals, must be an integer")]
    [TestCase("""{"select":{"field":"arr","index":0,"query":{}}}""", "\"select.query\": must be a non-empty object")]
    [TestCase("""{"select":{"field":"arr","index":0,"query":{"equals":{"value":[]}}}}""", "\"select.query.equals.value\": must either be a string, a number, a boolean, or null")]
    public void Validation_messages(string filter, string message)
    {
        Assert.That(Harness.Error(filter), Is.EqualTo(message));
    }
}

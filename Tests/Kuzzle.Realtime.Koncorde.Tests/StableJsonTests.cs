using Kuzzle.Realtime.Koncorde.Json;
using Kuzzle.Realtime.Koncorde.Tests.Support;

namespace Kuzzle.Realtime.Koncorde.Tests;

/// <summary>The hashed text must be byte-for-byte what json-stable-stringify gives in JavaScript.</summary>
public sealed class StableJsonTests
{
    [TestCase(1.0, "1")]
    [TestCase(-0.0, "0")]
    [TestCase(0.1, "0.1")]
    [TestCase(1e21, "1e+21")]
    [TestCase(1e20, "100000000000000000000")]
    [TestCase(123456789012345680000.0, "123456789012345680000")]
    [TestCase(1e-7, "1e-7")]
    [TestCase(0.000001, "0.000001")]
    [TestCase(1.5e-10, "1.5e-10")]
    [TestCase(-2.5e300, "-2.5e+300")]
    [TestCase(5e-324, "5e-324")]
    [TestCase(0.1 + 0.2, "0.30000000000000004")]
    [TestCase(100.0, "100")]
    public void Numbers_format_like_javascript(double value, string expected)
    {
        Assert.That(JsNumber.Format(value), Is.EqualTo(expected));
    }

    [TestCase("  12.5abc", 12.5)]
    [TestCase("-.5", -0.5)]
    [TestCase("1e3x", 1000)]
    [TestCase("1e", 1)]
    [TestCase("Infinity", double.PositiveInfinity)]
    public void ParseFloat_reads_the_numeric_prefix(string text, double expected)
    {
        Assert.That(JsNumber.ParseFloat(text), Is.EqualTo(expected));
    }

    [TestCase("abc")]
    [TestCase("")]
    [TestCase(".")]
    public void ParseFloat_gives_NaN_without_digits(string text)
    {
        Assert.That(double.IsNaN(JsNumber.ParseFloat(text)), Is.True);
    }

    [Test]
    public void Keys_are_sorted_and_strings_escaped_like_json_stringify()
    {
        var value = JsValue.FromElement(JsonText.Parse("""{"b":[3,1.50,{"z":null,"a":"\u0001\n\"é\u2028"}],"a":true}"""));
        Assert.That(StableJson.Stringify(value), Is.EqualTo("{\"a\":true,\"b\":[3,1.5,{\"a\":\"\\u0001\\n\\\"é\u2028\",\"z\":null}]}"));
    }

    [Test]
    public void Object_keys_follow_javascript_order_when_not_sorted()
    {
        var value = JsValue.FromElement(JsonText.Parse("""{"b":1,"2":1,"a":1,"1":1}"""));
        Assert.That(StableJson.Stringify(value, sortKeys: false), Is.EqualTo("""{"1":1,"2":1,"b":1,"a":1}"""));
    }

    [Test]
    public void Number_spelling_does_not_change_the_room()
    {
        var harness = new Harness();
        Assert.That(harness.Normalize("""{"equals":{"a":1.0}}""").Id, Is.EqualTo(harness.Normalize("""{"equals":{"a":1}}""").Id));
        Assert.That(harness.Normalize("""{"equals":{"a":1e2}}""").Id, Is.EqualTo(harness.Normalize("""{"equals":{"a":100}}""").Id));
    }
}

using System.Text.Json.Nodes;
using Kuzzle.Realtime.Cli.Commands;
using Kuzzle.Realtime.Cli.Output;
using Kuzzle.Realtime.Cli.Parsing;

namespace Kuzzle.Realtime.Cli.Tests;

/// <summary>The tool's pure pieces: Kourou's positional mapping, flag syntax, JavaScript bodies and display paths.</summary>
public sealed class ParsingTests
{
    [TestCase(new[] { "iot" }, new[] { "-i", "iot" })]
    [TestCase(new[] { "{ a: 1 }" }, new[] { "--body", "{ a: 1 }" })]
    [TestCase(new[] { "iot", "sensors" }, new[] { "-i", "iot", "-c", "sensors" })]
    [TestCase(new[] { "iot", "sensors", "id-1" }, new[] { "-i", "iot", "-c", "sensors", "--id", "id-1" })]
    [TestCase(new[] { "iot", "sensors", "{}" }, new[] { "-i", "iot", "-c", "sensors", "--body", "{}" })]
    [TestCase(new[] { "iot", "sensors", "id-1", "{}" }, new[] { "-i", "iot", "-c", "sensors", "--id", "id-1", "--body", "{}" })]
    [TestCase(new[] { "iot", "--id", "x", "sensors" }, new[] { "-i", "iot", "--id", "x", "sensors" })]
    [TestCase(new[] { "--body", "{}", "iot" }, new[] { "--body", "{}", "iot" })]
    [TestCase(new[] { "{ a: 1 }", "--body", "{}" }, new[] { "-i", "{ a: 1 }", "--body", "{}" })]
    [TestCase(new[] { "iot", "sensors", "{ b: 2 }", "-c", "other" }, new[] { "-i", "iot", "sensors", "{ b: 2 }", "-c", "other" })]
    public void Positional_arguments_map_as_kourous_fallback_does(string[] given, string[] expected)
    {
        Assert.That(ApiFallback.ToQueryArguments("document:create", given), Is.EqualTo(new[] { "document:create" }.Concat(expected)));
    }

    [Test]
    public void Flags_take_values_in_every_oclif_form()
    {
        FlagSpec[] specs = [new("arg", "", 'a', Repeatable: true), new("body", ""), FlagSpec.Switch("print-raw", ""), new("display", "", Default: "result")];

        var parsed = ArgumentParser.Parse(["server:now", "-a", "x=1", "-ay=2", "-a=z=3", "--body={}", "--print-raw", "--", "-5"], specs);

        Assert.Multiple(() =>
        {
            Assert.That(parsed.GetAll("arg"), Is.EqualTo(new[] { "x=1", "y=2", "z=3" }));
            Assert.That(parsed.Get("body"), Is.EqualTo("{}"));
            Assert.That(parsed.Has("print-raw"), Is.True);
            Assert.That(parsed.Get("display"), Is.EqualTo("result"), "the default");
            Assert.That(parsed.Positionals, Is.EqualTo(new[] { "server:now", "-5" }));
        });
    }

    [TestCase("--nope", "Unknown flag \"--nope\"")]
    [TestCase("-z", "Unknown flag \"-z\"")]
    [TestCase("--body", "Flag \"--body\" expects a value")]
    [TestCase("--print-raw=yes", "Flag \"--print-raw\" takes no value")]
    public void Bad_flags_are_usage_errors(string flag, string message)
    {
        FlagSpec[] specs = [new("body", ""), FlagSpec.Switch("print-raw", "")];

        var error = Assert.Throws<UsageException>(() => ArgumentParser.Parse([flag], specs));

        Assert.That(error!.Message, Does.StartWith(message));
    }

    [Test]
    public void A_value_flag_given_twice_is_refused_unless_repeatable()
    {
        Assert.Throws<UsageException>(() => ArgumentParser.Parse(["--body", "{}", "--body", "{}"], [new FlagSpec("body", "")]));
    }

    [TestCase("{\"a\":[1,2]}", "{\"a\":[1,2]}")]
    [TestCase("{ a: [1, 2], }", "{\"a\":[1,2]}")]
    [TestCase("{ 'quoted': \"x\", nested: { deep: true } }", "{\"quoted\":\"x\",\"nested\":{\"deep\":true}}")]
    [TestCase("{ sum: 1 + 2, text: ['a', 'b'].join('-') }", "{\"sum\":3,\"text\":\"a-b\"}")]
    [TestCase("", "{}")]
    [TestCase("[1, 'two']", "[1,\"two\"]")]
    public void Bodies_are_json_or_javascript(string input, string expected)
    {
        Assert.That(JsInput.Parse(input, "body")!.ToJsonString(), Is.EqualTo(expected));
    }

    [TestCase("{ a: }")]
    [TestCase("{ a: missingVariable }")]
    [TestCase("(() => { while (true) {} })()")]
    public void Bad_bodies_are_usage_errors(string input)
    {
        var error = Assert.Throws<UsageException>(() => JsInput.Parse(input, "body"));

        Assert.That(error!.Message, Does.StartWith("Cannot parse the body: "));
        Assert.That(error.Message, Does.Not.Contain("\n"));
    }

    [TestCase("result", "{\"_id\":\"a\",\"hits\":[{\"_id\":\"h0\"},{\"_id\":\"h1\"}]}")]
    [TestCase("result._id", "\"a\"")]
    [TestCase("result.hits[1]._id", "\"h1\"")]
    [TestCase("result.hits.0._id", "\"h0\"")]
    [TestCase("result.nothing", "undefined")]
    [TestCase("", "{\"result\":{\"_id\":\"a\",\"hits\":[{\"_id\":\"h0\"},{\"_id\":\"h1\"}]},\"status\":200}")]
    public void Display_paths_read_like_lodash_get(string path, string expected)
    {
        var response = JsonNode.Parse("""{"result":{"_id":"a","hits":[{"_id":"h0"},{"_id":"h1"}]},"status":200}""");

        var shown = JsonText.Display(response, path);

        Assert.That(shown == "undefined" ? shown : JsonNode.Parse(shown)!.ToJsonString(), Is.EqualTo(expected));
    }

    [Test]
    public void Results_are_indented_by_two_spaces_and_keep_non_ascii_text()
    {
        Assert.That(JsonText.Pretty(JsonNode.Parse("""{"name":"Mélis","list":[1]}""")), Is.EqualTo("{\n  \"name\": \"Mélis\",\n  \"list\": [\n    1\n  ]\n}"));
    }
}

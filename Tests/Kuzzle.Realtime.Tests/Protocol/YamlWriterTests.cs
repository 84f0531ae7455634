using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Server.Hosting;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Kuzzle.Realtime.Tests.Protocol;

/// <summary>The YAML form of <c>server:openapi</c>: read back by a YAML parser, it is the JSON document it came from.</summary>
[TestFixture]
public sealed class YamlWriterTests
{
    [TestCase("""{"swagger":"2.0","info":{"title":"Kuzzle API","version":"2.56.0"}}""")]
    [TestCase("""{"a":[1,2.5,-3e-7,true,false,null],"b":{},"c":[],"d":[[1],[{"x":"y"}]]}""")]
    [TestCase("""{"looks like data":["true","null","1.0","0x1F","~","- item","key: value","#comment","'quoted'","\"double\"","multi\nline","tab\there","ünïcödé ✓",""]}""")]
    [TestCase("""{"/_login/{strategy}":{"post":{"parameters":[{"in":"path","name":"strategy","required":true}]}}}""")]
    public void Yaml_reads_back_as_the_same_document(string json)
    {
        var document = JsonDocument.Parse(json).RootElement;
        var yaml = new YamlStream();
        yaml.Load(new StringReader(YamlWriter.Write(document)));
        Assert.That(JsonNode.DeepEquals(ToJson(yaml.Documents[0].RootNode), JsonNode.Parse(json)), Is.True, YamlWriter.Write(document));
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value!, ToJson(p.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode { Style: ScalarStyle.DoubleQuoted or ScalarStyle.SingleQuoted } text => JsonValue.Create(text.Value),
        YamlScalarNode plain => JsonNode.Parse(plain.Value!),
        _ => throw new InvalidDataException("unexpected YAML node " + node.NodeType),
    };
}

using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Kuzzle.Realtime.Strategies;

/// <summary>Source-generated serialization of the JSON node types strategies write.</summary>
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonNode))]
public sealed partial class StrategyJsonContext : JsonSerializerContext;

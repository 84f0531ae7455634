using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Kuzzle.Realtime.Server.Configuration;

namespace Kuzzle.Realtime.Server.Hosting;

/// <summary>Source-generated serialization for the server's own types.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(KuzzleOptions))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(string))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;

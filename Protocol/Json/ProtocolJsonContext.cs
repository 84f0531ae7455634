using System.Text.Json.Serialization;

namespace Kuzzle.Realtime.Protocol;

/// <summary>Source-generated serialization metadata: no reflection on the hot path.</summary>
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace Kuzzle.Realtime.Tokens;

[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(SessionDocument))]
[JsonSerializable(typeof(ApiKeyDocument))]
internal sealed partial class TokenJsonContext : JsonSerializerContext;

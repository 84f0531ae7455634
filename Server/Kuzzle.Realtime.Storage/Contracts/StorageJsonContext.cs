using System.Text.Json.Serialization;

namespace Kuzzle.Realtime.Storage;

/// <summary>Source-generated JSON for the few values the stores serialise themselves.</summary>
[JsonSerializable(typeof(List<string>))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;

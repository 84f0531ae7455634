using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Storage;

namespace Kuzzle.Realtime.Security.Store;

/// <summary>A stored role, profile or user as the API returns it: <c>{"_id":…, "_source":{…}}</c>.</summary>
/// <param name="Id">Document id (role/profile id, kuid).</param>
/// <param name="Source">Every stored field, <c>_kuzzle_info</c> included. Callers must not mutate it.</param>
/// <param name="Version">Storage version (optimistic concurrency).</param>
public sealed record SecurityDocument(string Id, JsonObject Source, long Version)
{
    /// <summary>The wire form <c>{_id, _source}</c> (a fresh copy, safe to embed in a response).</summary>
    public JsonObject ToJson() => new() { ["_id"] = Id, ["_source"] = Source.DeepClone() };

    /// <summary>The source as a detached element (for the security library's parsers).</summary>
    public JsonElement SourceElement() => JsonSerializer.SerializeToElement(Source, StoreJsonContext.Default.JsonObject);

    internal static SecurityDocument From(StoredDocument stored) =>
        new(stored.Id, JsonNode.Parse(stored.Json)!.AsObject(), stored.Version);
}

/// <summary><c>_kuzzle_info</c> of security objects (security.md §1.4, "Our choice": caller kuid and epoch-ms timestamps).</summary>
internal static class KuzzleInfo
{
    public const string Key = "_kuzzle_info";

    /// <summary>Created: <c>updatedAt</c>/<c>updater</c> null.</summary>
    public static JsonObject Created(string? caller, long now) =>
        new() { ["author"] = caller, ["createdAt"] = now, ["updatedAt"] = null, ["updater"] = null };

    /// <summary>Created or replaced as a whole (createOrReplace, updateRole, bootstrap).</summary>
    public static JsonObject Replaced(string? caller, long now) =>
        new() { ["author"] = caller, ["createdAt"] = now, ["updatedAt"] = now, ["updater"] = caller };

    /// <summary>Partially updated: author and creation time kept.</summary>
    public static JsonObject Updated(JsonObject? previous, string? caller, long now) =>
        new()
        {
            ["author"] = previous?["author"]?.DeepClone(),
            ["createdAt"] = previous?["createdAt"]?.DeepClone(),
            ["updatedAt"] = now,
            ["updater"] = caller,
        };

    /// <summary>A copy of <paramref name="content"/> without its client-supplied <c>_kuzzle_info</c>, with <paramref name="info"/> instead.</summary>
    public static JsonObject With(JsonObject content, JsonObject info)
    {
        var copy = new JsonObject();
        foreach (var (key, value) in content)
        {
            if (key != Key)
            {
                copy[key] = value?.DeepClone();
            }
        }

        copy[Key] = info;
        return copy;
    }
}

/// <summary>Source-generated JSON metadata for the store's own serialization.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(JsonObject))]
[System.Text.Json.Serialization.JsonSerializable(typeof(JsonNode))]
internal sealed partial class StoreJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

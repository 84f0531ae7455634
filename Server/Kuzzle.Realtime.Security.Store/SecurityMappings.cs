using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Security.Store.Search;
using Kuzzle.Realtime.Storage;

namespace Kuzzle.Realtime.Security.Store;

/// <summary>get*/update*Mapping of the three security collections (security.md §5), kept in the store so every node agrees.</summary>
public sealed class SecurityMappings
{
    private static readonly Dictionary<string, string> Defaults = new(StringComparer.Ordinal)
    {
        [SecurityCollections.Users] = """{"dynamic":"false","_meta":{},"properties":{"profileIds":{"type":"keyword"}}}""",
        [SecurityCollections.Profiles] = """
            {"dynamic":"false","_meta":{},"properties":{"tags":{"type":"keyword"},"policies":{"properties":{"roleId":{"type":"keyword"},
            "restrictedTo":{"type":"nested","properties":{"index":{"type":"keyword"},"collections":{"type":"keyword"}}}}}}}
            """,
        [SecurityCollections.Roles] = """{"dynamic":"false","_meta":{},"properties":{"tags":{"type":"keyword"},"controllers":{"dynamic":"false","properties":{}}}}""",
    };

    private static readonly JsonObject KuzzleInfoMapping = JsonNode.Parse("""
        {"properties":{"author":{"type":"keyword"},"createdAt":{"type":"date"},"updatedAt":{"type":"date"},"updater":{"type":"keyword"}}}
        """)!.AsObject();

    private readonly IDocumentStore _documents;

    public SecurityMappings(IDocumentStore documents) => _documents = documents;

    /// <summary><c>{"mapping": properties}</c> without <c>_kuzzle_info</c>.</summary>
    public async Task<JsonObject> GetAsync(string collection, CancellationToken cancellationToken = default)
    {
        var mapping = await ReadAsync(collection, cancellationToken).ConfigureAwait(false);
        var properties = mapping["properties"]!.DeepClone().AsObject();
        properties.Remove("_kuzzle_info");
        return new JsonObject { ["mapping"] = properties };
    }

    /// <summary>Merges <c>properties</c> (and replaces <c>dynamic</c>/<c>_meta</c>); returns <c>{_meta, dynamic, properties}</c>.</summary>
    public async Task<JsonObject> UpdateAsync(string collection, JsonElement body, CancellationToken cancellationToken = default)
    {
        var mapping = await ReadAsync(collection, cancellationToken).ConfigureAwait(false);
        var properties = mapping["properties"]!.AsObject();
        if (body.TryGetProperty("properties", out var added) && added.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in added.EnumerateObject())
            {
                properties[property.Name] = JsonNode.Parse(property.Value.GetRawText());
            }
        }

        foreach (var key in new[] { "dynamic", "_meta" })
        {
            if (body.TryGetProperty(key, out var value))
            {
                mapping[key] = JsonNode.Parse(value.GetRawText());
            }
        }

        properties["_kuzzle_info"] = KuzzleInfoMapping.DeepClone();
        await _documents.ReplaceAsync(SecurityCollections.Mappings, collection, mapping.ToJsonString(), cancellationToken: cancellationToken).ConfigureAwait(false);
        return new JsonObject { ["_meta"] = mapping["_meta"]?.DeepClone(), ["dynamic"] = mapping["dynamic"]?.DeepClone(), ["properties"] = properties.DeepClone() };
    }

    /// <summary>What a search on <paramref name="collection"/> can match (fields its mapping declares or maps dynamically).</summary>
    public async Task<FieldMapping> FieldsAsync(string collection, CancellationToken cancellationToken = default) =>
        FieldMapping.From(await ReadAsync(collection, cancellationToken).ConfigureAwait(false));

    private async Task<JsonObject> ReadAsync(string collection, CancellationToken cancellationToken)
    {
        var stored = await _documents.GetAsync(SecurityCollections.Mappings, collection, cancellationToken).ConfigureAwait(false);
        return JsonNode.Parse(stored?.Json ?? Defaults[collection])!.AsObject();
    }
}

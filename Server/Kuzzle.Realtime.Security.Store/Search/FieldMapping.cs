using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Security.Store.Search;

/// <summary>
/// Which fields a collection's mapping makes searchable (security.md §7.1: term-level and full-text queries on unmapped fields
/// match nothing, as in Elasticsearch). A field is searchable when its path is declared under <c>properties</c> (and not
/// <c>index: false</c> or <c>enabled: false</c>), or when it falls under an object whose <c>dynamic</c> is true (Elasticsearch maps
/// new fields of such objects as documents are written). <c>_id</c> and <c>_kuzzle_info.*</c> are always searchable.
/// </summary>
public sealed class FieldMapping
{
    private readonly JsonObject? _root;

    private FieldMapping(JsonObject? root) => _root = root;

    /// <summary>Every field searchable (collections without a mapping of their own).</summary>
    public static FieldMapping Everything { get; } = new(null);

    /// <summary>A mapping <c>{dynamic?, properties}</c> as stored by update*Mapping.</summary>
    public static FieldMapping From(JsonObject mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        return new FieldMapping(mapping);
    }

    /// <summary>Whether a query on <paramref name="path"/> (dotted) can match anything.</summary>
    public bool IsSearchable(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (_root is null || path == "_id" || path == "_kuzzle_info" || path.StartsWith("_kuzzle_info.", StringComparison.Ordinal))
        {
            return true;
        }

        JsonObject level = _root;
        var dynamic = IsDynamic(_root, inherited: false);
        foreach (var segment in path.Split('.'))
        {
            if (level["properties"] is not JsonObject properties || properties[segment] is not JsonObject field)
            {
                return dynamic;
            }

            if (IsFalse(field["enabled"]) || IsFalse(field["index"]))
            {
                return false;
            }

            dynamic = IsDynamic(field, dynamic);
            level = field;
        }

        return true;
    }

    // "dynamic": true or "true" maps new fields; false, "false", "strict" and "runtime" leave them unsearchable here.
    private static bool IsDynamic(JsonObject mapping, bool inherited) => mapping["dynamic"] switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.True => true,
        JsonValue value when value.GetValueKind() == JsonValueKind.False => false,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>() == "true",
        _ => inherited,
    };

    private static bool IsFalse(JsonNode? node) => node switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.False => true,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>() == "false",
        _ => false,
    };
}

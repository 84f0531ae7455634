using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Strategies.OAuth;

/// <summary>
/// The provider profile (ID-token claims, userinfo) flattened to dotted paths, as Kuzzle's plugin reads it: the
/// identifier, and the <c>persist</c>ed attributes renamed by <c>kuzzleAttributesMapping</c>.
/// </summary>
internal static class ProfileAttributes
{
    /// <summary>Flattens nested objects to <c>a.b.c</c> paths (arrays stay values).</summary>
    public static Dictionary<string, JsonElement> Flatten(IEnumerable<KeyValuePair<string, JsonElement>> profile)
    {
        var flat = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, value) in profile)
        {
            Add(flat, name, value, depth: 0);
        }

        return flat;
    }

    /// <summary>The identifier attribute as a string (numbers allowed, as some providers use numeric ids), or null.</summary>
    public static string? Identifier(Dictionary<string, JsonElement> flat, string attribute) =>
        flat.TryGetValue(attribute, out var v)
            ? v.ValueKind switch
            {
                JsonValueKind.String when v.GetString() is { Length: > 0 and <= 512 } s => s,
                JsonValueKind.Number => v.GetRawText(),
                _ => null,
            }
            : null;

    /// <summary>The persisted attributes, renamed.</summary>
    public static JsonObject Persisted(Dictionary<string, JsonElement> flat, OAuthOptions options)
    {
        var result = new JsonObject();
        foreach (var path in options.Persist)
        {
            if (flat.TryGetValue(path, out var value))
            {
                var name = options.AttributesMapping.TryGetValue(path, out var mapped) ? mapped : path;
                if (name is not ("kuid" or "identifier"))
                {
                    result[name] = JsonNode.Parse(value.GetRawText());
                }
            }
        }

        return result;
    }

    private static void Add(Dictionary<string, JsonElement> flat, string path, JsonElement value, int depth)
    {
        if (value.ValueKind == JsonValueKind.Object && depth < 8)
        {
            foreach (var p in value.EnumerateObject())
            {
                Add(flat, path + "." + p.Name, p.Value, depth + 1);
            }

            return;
        }

        flat[path] = value;
    }
}

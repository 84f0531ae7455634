using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Cli.Output;

/// <summary>JSON as Kourou prints it: <c>JSON.stringify(value, null, 2)</c>, and lodash's <c>get</c> for <c>--display</c> paths.</summary>
internal static class JsonText
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        // JSON.stringify leaves non-ASCII text as it is.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The value indented by 2 spaces, or <c>undefined</c> (what Node prints for a missing path).</summary>
    public static string Pretty(JsonNode? value, bool missing = false) =>
        missing ? "undefined" : value is null ? "null" : value.ToJsonString(Indented);

    /// <summary>What <c>--display &lt;path&gt;</c> prints: the value at the path (the whole value for an empty path), or <c>undefined</c>.</summary>
    public static string Display(JsonNode? root, string path)
    {
        if (path.Length == 0)
        {
            return Pretty(root);
        }

        var value = Get(root, path, out var found);
        return Pretty(value, missing: !found);
    }

    /// <summary>The value on one line.</summary>
    public static string OneLine(JsonNode? value) => value is null ? "null" : value.ToJsonString(Compact);

    /// <summary>
    /// The value at a lodash path (<c>result._source.temperature</c>, <c>result.hits[0]._id</c>); <paramref name="found"/> is false
    /// when a step is missing.
    /// </summary>
    public static JsonNode? Get(JsonNode? root, string path, out bool found)
    {
        found = true;
        var current = root;
        foreach (var step in Steps(path))
        {
            switch (current)
            {
                case JsonObject obj when obj.TryGetPropertyValue(step, out var next):
                    current = next;
                    break;
                case JsonArray array when int.TryParse(step, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) && i < array.Count:
                    current = array[i];
                    break;
                default:
                    found = false;
                    return null;
            }
        }

        return current;
    }

    private static IEnumerable<string> Steps(string path)
    {
        foreach (var part in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var rest = part;
            var bracket = rest.IndexOf('[', StringComparison.Ordinal);
            if (bracket < 0)
            {
                yield return rest;
                continue;
            }

            if (bracket > 0)
            {
                yield return rest[..bracket];
            }

            while (bracket >= 0)
            {
                var close = rest.IndexOf(']', bracket);
                if (close < 0)
                {
                    yield return rest[(bracket + 1)..];
                    break;
                }

                yield return rest[(bracket + 1)..close].Trim('"', '\'');
                rest = rest[(close + 1)..];
                bracket = rest.IndexOf('[', StringComparison.Ordinal);
            }
        }
    }
}

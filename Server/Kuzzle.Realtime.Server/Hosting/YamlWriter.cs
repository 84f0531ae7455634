using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Kuzzle.Realtime.Server.Hosting;

/// <summary>Writes a JSON value as block-style YAML (for <c>server:openapi?format=yaml</c>); strings are always quoted, so no escaping surprises.</summary>
public static class YamlWriter
{
    /// <summary>The YAML text of a JSON element.</summary>
    public static string Write(JsonElement element)
    {
        var sb = new StringBuilder();
        WriteValue(sb, element, 0, inlineAfterKey: false);
        return sb.ToString();
    }

    private static void WriteValue(StringBuilder sb, JsonElement e, int indent, bool inlineAfterKey)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object when e.EnumerateObject().Any():
                if (inlineAfterKey)
                {
                    sb.Append('\n');
                }

                foreach (var p in e.EnumerateObject())
                {
                    sb.Append(' ', indent).Append(Quote(p.Name)).Append(':');
                    WriteChild(sb, p.Value, indent);
                }

                break;
            case JsonValueKind.Array when e.GetArrayLength() > 0:
                if (inlineAfterKey)
                {
                    sb.Append('\n');
                }

                foreach (var item in e.EnumerateArray())
                {
                    sb.Append(' ', indent).Append('-');
                    WriteChild(sb, item, indent);
                }

                break;
            default:
                sb.Append(inlineAfterKey ? " " : string.Empty).Append(Scalar(e)).Append('\n');
                break;
        }
    }

    private static void WriteChild(StringBuilder sb, JsonElement value, int indent)
    {
        if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && (value.ValueKind == JsonValueKind.Object ? value.EnumerateObject().Any() : value.GetArrayLength() > 0))
        {
            WriteValue(sb, value, indent + 2, inlineAfterKey: true);
        }
        else
        {
            WriteValue(sb, value, indent, inlineAfterKey: true);
        }
    }

    private static string Scalar(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => Quote(e.GetString()!),
        JsonValueKind.Number => e.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Object => "{}",
        JsonValueKind.Array => "[]",
        _ => "null",
    };

    private static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            _ = c switch
            {
                '"' => sb.Append("\\\""),
                '\\' => sb.Append("\\\\"),
                '\n' => sb.Append("\\n"),
                '\r' => sb.Append("\\r"),
                '\t' => sb.Append("\\t"),
                < ' ' => sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => sb.Append(c),
            };
        }

        return sb.Append('"').ToString();
    }
}

using System.Globalization;
using System.Text;

namespace Kuzzle.Realtime.Koncorde.Json;

/// <summary>
/// JSON text as json-stable-stringify writes it (keys sorted by UTF-16 code units at every level, no spaces),
/// or as JSON.stringify writes it when <c>sortKeys</c> is false. Strings and numbers follow JSON.stringify exactly.
/// </summary>
internal static class StableJson
{
    public static string Stringify(JsValue value, bool sortKeys = true)
    {
        var sb = new StringBuilder(64);
        Write(sb, value, sortKeys);
        return sb.ToString();
    }

    public static void Write(StringBuilder sb, JsValue value, bool sortKeys = true)
    {
        switch (value.Kind)
        {
            case JsKind.Null:
                sb.Append("null");
                break;
            case JsKind.Boolean:
                sb.Append(value.Boolean ? "true" : "false");
                break;
            case JsKind.Number:
                WriteNumber(sb, value.Number);
                break;
            case JsKind.String:
                WriteString(sb, value.String);
                break;
            case JsKind.Array:
                sb.Append('[');
                for (var i = 0; i < value.Items.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    Write(sb, value.Items[i], sortKeys);
                }

                sb.Append(']');
                break;
            default:
                WriteObject(sb, value.Properties, sortKeys);
                break;
        }
    }

    public static void WriteNumber(StringBuilder sb, double value)
    {
        // JSON.stringify writes non-finite numbers as null.
        if (!double.IsFinite(value))
        {
            sb.Append("null");
            return;
        }

        sb.Append(JsNumber.Format(value));
    }

    public static void WriteString(StringBuilder sb, string value)
    {
        sb.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                default:
                    if (c < 0x20 || IsLoneSurrogate(value, i))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    private static void WriteObject(StringBuilder sb, IReadOnlyList<KeyValuePair<string, JsValue>> properties, bool sortKeys)
    {
        IEnumerable<KeyValuePair<string, JsValue>> ordered = properties;
        if (sortKeys && properties.Count > 1)
        {
            var copy = properties.ToArray();
            Array.Sort(copy, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            ordered = copy;
        }

        sb.Append('{');
        var first = true;
        foreach (var (key, item) in ordered)
        {
            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            WriteString(sb, key);
            sb.Append(':');
            Write(sb, item, sortKeys);
        }

        sb.Append('}');
    }

    // Well-formed JSON.stringify escapes unpaired surrogates instead of emitting invalid UTF-16.
    private static bool IsLoneSurrogate(string s, int i)
    {
        var c = s[i];
        if (char.IsHighSurrogate(c))
        {
            return i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1]);
        }

        if (char.IsLowSurrogate(c))
        {
            return i == 0 || !char.IsHighSurrogate(s[i - 1]);
        }

        return false;
    }
}

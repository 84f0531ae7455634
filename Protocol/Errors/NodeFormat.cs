using System.Globalization;
using System.Text;

namespace Kuzzle.Realtime.Protocol.Errors;

/// <summary>
/// Formats messages like Node's <c>util.format</c> with <c>%s</c> only, because Kuzzle builds error messages that way and
/// clients compare them (e.g. <c>auth:checkToken</c> returns the message as <c>state</c>).
/// </summary>
public static class NodeFormat
{
    /// <summary>Substitutes each <c>%s</c> with the next value; extra values are appended, space-separated.</summary>
    public static string Format(string template, IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return template;
        }

        var sb = new StringBuilder(template.Length + 32);
        var next = 0;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '%' && i + 1 < template.Length && template[i + 1] == 's' && next < values.Count)
            {
                AppendString(sb, values[next++]);
                i++;
            }
            else
            {
                sb.Append(c);
            }
        }

        for (; next < values.Count; next++)
        {
            sb.Append(' ');
            AppendString(sb, values[next]);
        }

        return sb.ToString();
    }

    // %s: strings as is, numbers in JS notation, null as "null", arrays in inspect style ("[ 'a', 'b' ]").
    private static void AppendString(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case string s:
                sb.Append(s);
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case System.Collections.IEnumerable list:
                AppendInspect(sb, list);
                break;
            case IFormattable f:
                sb.Append(f.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                sb.Append(value);
                break;
        }
    }

    private static void AppendInspect(StringBuilder sb, System.Collections.IEnumerable list)
    {
        var any = false;
        sb.Append('[');
        foreach (var item in list)
        {
            sb.Append(any ? ", " : " ");
            any = true;
            if (item is string s)
            {
                sb.Append('\'').Append(s.Replace("'", "\\'", StringComparison.Ordinal)).Append('\'');
            }
            else
            {
                AppendString(sb, item);
            }
        }

        sb.Append(any ? " ]" : "]");
    }
}

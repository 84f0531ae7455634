using System.Globalization;
using System.Text;

namespace Kuzzle.Realtime.Koncorde.Json;

/// <summary>JavaScript number conversions: Number::toString, parseFloat and ToNumber.</summary>
internal static class JsNumber
{
    /// <summary>Formats like JavaScript's Number.prototype.toString() (and JSON.stringify for finite values).</summary>
    public static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (value == 0)
        {
            return "0";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        // Fast paths: safe integers, and plain (non-exponent) shortest forms, which both runtimes lay out alike.
        if (Math.Abs(value) < 9007199254740992 && value == Math.Floor(value))
        {
            return ((long)value).ToString(CultureInfo.InvariantCulture);
        }

        var plain = value.ToString("R", CultureInfo.InvariantCulture);
        if (!plain.Contains('E', StringComparison.Ordinal))
        {
            return plain;
        }

        // Otherwise re-layout the shortest round-trip digits with ECMAScript's rules.
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var mantissa = shortest;
        var exponent = 0;
        var e = shortest.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            mantissa = shortest[..e];
            exponent = int.Parse(shortest[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }

        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        var fracPart = dot >= 0 ? mantissa[(dot + 1)..] : "";
        var digits = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - digits.Length;
        // n: position of the decimal point relative to the first significant digit.
        var n = intPart.Length + exponent - leadingZeros;
        digits = digits.TrimEnd('0');
        var k = digits.Length;

        var sb = new StringBuilder(32);
        if (value < 0)
        {
            sb.Append('-');
        }

        if (k <= n && n <= 21)
        {
            sb.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            sb.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            sb.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            sb.Append(digits[0]);
            if (k > 1)
            {
                sb.Append('.').Append(digits, 1, k - 1);
            }

            sb.Append('e').Append(n - 1 >= 0 ? '+' : '-').Append(Math.Abs(n - 1).ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>A JSON number token read as JSON.parse does (correctly rounded; overflow gives an infinity).</summary>
    public static bool TryParseJson(ReadOnlySpan<byte> token, out double value) =>
        double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>JavaScript's parseFloat: the longest numeric prefix after leading whitespace, else NaN.</summary>
    public static double ParseFloat(string text)
    {
        var i = 0;
        while (i < text.Length && IsJsWhitespace(text[i]))
        {
            i++;
        }

        var start = i;
        if (i < text.Length && (text[i] == '+' || text[i] == '-'))
        {
            i++;
        }

        if (string.CompareOrdinal(text, i, "Infinity", 0, 8) == 0)
        {
            return text[start] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
        }

        var sawDigit = false;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
            sawDigit = true;
        }

        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
                sawDigit = true;
            }
        }

        if (!sawDigit)
        {
            return double.NaN;
        }

        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            var j = i + 1;
            if (j < text.Length && (text[j] == '+' || text[j] == '-'))
            {
                j++;
            }

            if (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                while (j < text.Length && char.IsAsciiDigit(text[j]))
                {
                    j++;
                }

                i = j;
            }
        }

        var slice = text[start..i];
        if (slice.EndsWith('.'))
        {
            slice += "0";
        }

        if (slice.StartsWith('.') || slice.StartsWith("-.", StringComparison.Ordinal) || slice.StartsWith("+.", StringComparison.Ordinal))
        {
            slice = slice.Replace(".", "0.", StringComparison.Ordinal);
        }

        return double.Parse(slice, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>parseFloat applied to any value: JavaScript converts it to a string first.</summary>
    public static double ParseFloat(JsValue value) =>
        value.Kind == JsKind.Number ? value.Number : ParseFloat(ToJsString(value));

    /// <summary>JavaScript's ToString for JSON values.</summary>
    public static string ToJsString(JsValue value) => value.Kind switch
    {
        JsKind.Null => "null",
        JsKind.Boolean => value.Boolean ? "true" : "false",
        JsKind.Number => Format(value.Number),
        JsKind.String => value.String,
        JsKind.Array => string.Join(',', value.Items.Select(i => i.Kind == JsKind.Null ? "" : ToJsString(i))),
        _ => "[object Object]",
    };

    /// <summary>JavaScript's ToNumber for primitive JSON values (used by relational comparisons).</summary>
    public static double ToNumber(JsValue value) => value.Kind switch
    {
        JsKind.Null => 0,
        JsKind.Boolean => value.Boolean ? 1 : 0,
        JsKind.Number => value.Number,
        JsKind.String => StringToNumber(value.String),
        JsKind.Array => StringToNumber(ToJsString(value)),
        _ => double.NaN,
    };

    /// <summary>JavaScript's abstract relational comparison <c>a &lt; b</c> for primitive JSON values.</summary>
    public static bool LessThan(JsValue a, JsValue b)
    {
        if (a.Kind == JsKind.String && b.Kind == JsKind.String)
        {
            return string.CompareOrdinal(a.String, b.String) < 0;
        }

        var x = ToNumber(a);
        var y = ToNumber(b);
        return x < y;
    }

    /// <summary><c>a &lt;= b</c> in JavaScript: false when either side is NaN.</summary>
    public static bool LessOrEqual(JsValue a, JsValue b)
    {
        if (a.Kind == JsKind.String && b.Kind == JsKind.String)
        {
            return string.CompareOrdinal(a.String, b.String) <= 0;
        }

        var x = ToNumber(a);
        var y = ToNumber(b);
        return x <= y;
    }

    private static double StringToNumber(string s)
    {
        var t = s.Trim();
        if (t.Length == 0)
        {
            return 0;
        }

        if (t is "Infinity" or "+Infinity")
        {
            return double.PositiveInfinity;
        }

        if (t == "-Infinity")
        {
            return double.NegativeInfinity;
        }

        if (t.Length > 2 && t[0] == '0' && (t[1] is 'x' or 'X' or 'o' or 'O' or 'b' or 'B'))
        {
            var radix = t[1] is 'x' or 'X' ? 16 : t[1] is 'o' or 'O' ? 8 : 2;
            double acc = 0;
            foreach (var c in t.AsSpan(2))
            {
                var d = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetter(c) ? char.ToLowerInvariant(c) - 'a' + 10 : 99;
                if (d >= radix)
                {
                    return double.NaN;
                }

                acc = (acc * radix) + d;
            }

            return acc;
        }

        foreach (var c in t)
        {
            if (!(char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-'))
            {
                return double.NaN;
            }
        }

        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
    }

    private static bool IsJsWhitespace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\v' or '\f' or '\u00a0' or '\ufeff' or '\u2028' or '\u2029' || char.GetUnicodeCategory(c) == UnicodeCategory.SpaceSeparator;
}

using System.Globalization;
using System.Text.Json;

namespace Kuzzle.Realtime.Koncorde.Json;

/// <summary>Kinds of JSON values, as JavaScript sees them after JSON.parse.</summary>
internal enum JsKind
{
    Null,
    Boolean,
    Number,
    String,
    Array,
    Object,
}

/// <summary>
/// Immutable JSON value with JavaScript semantics (numbers are doubles, object keys follow
/// <c>Object.keys</c> order). Used on the normalisation path, never while matching.
/// </summary>
internal sealed class JsValue
{
    public static readonly JsValue Null = new(JsKind.Null);
    public static readonly JsValue True = new(JsKind.Boolean) { Boolean = true };
    public static readonly JsValue False = new(JsKind.Boolean);

    private static readonly JsValue[] EmptyItems = [];
    private static readonly KeyValuePair<string, JsValue>[] EmptyProperties = [];

    private JsValue(JsKind kind) => Kind = kind;

    public JsKind Kind { get; }
    public bool Boolean { get; private init; }
    public double Number { get; private init; }
    public string String { get; private init; } = "";
    public IReadOnlyList<JsValue> Items { get; private init; } = EmptyItems;
    public IReadOnlyList<KeyValuePair<string, JsValue>> Properties { get; private init; } = EmptyProperties;

    public bool IsObject => Kind == JsKind.Object;

    public static JsValue FromBoolean(bool value) => value ? True : False;
    public static JsValue FromNumber(double value) => new(JsKind.Number) { Number = value };
    public static JsValue FromString(string value) => new(JsKind.String) { String = value };
    public static JsValue FromArray(IReadOnlyList<JsValue> items) => new(JsKind.Array) { Items = items };

    /// <summary>Builds an object; later duplicates keep the first position and take the last value, like JSON.parse.</summary>
    public static JsValue FromProperties(IEnumerable<KeyValuePair<string, JsValue>> properties)
    {
        var list = new List<KeyValuePair<string, JsValue>>();
        Dictionary<string, int>? positions = null;
        var hasIndexKey = false;
        foreach (var (key, value) in properties)
        {
            // Small objects: a linear scan beats hashing; large ones switch to a position map.
            if (positions is null && list.Count > 16)
            {
                positions = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var i = 0; i < list.Count; i++)
                {
                    positions[list[i].Key] = i;
                }
            }

            var at = positions is not null
                ? positions.GetValueOrDefault(key, -1)
                : list.FindIndex(p => string.Equals(p.Key, key, StringComparison.Ordinal));
            if (at >= 0)
            {
                list[at] = new(key, value);
            }
            else
            {
                positions?.Add(key, list.Count);
                list.Add(new(key, value));
                hasIndexKey |= key.Length > 0 && char.IsAsciiDigit(key[0]);
            }
        }

        if (!hasIndexKey)
        {
            return new(JsKind.Object) { Properties = list };
        }

        // Object.keys lists integer-like keys first, in ascending numeric order.
        var indexKeys = list.Where(p => IsArrayIndex(p.Key)).OrderBy(p => uint.Parse(p.Key, CultureInfo.InvariantCulture)).ToList();
        if (indexKeys.Count > 0)
        {
            list = [.. indexKeys, .. list.Where(p => !IsArrayIndex(p.Key))];
        }

        return new(JsKind.Object) { Properties = list };
    }

    public static JsValue FromElement(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => FromProperties(element.EnumerateObject().Select(p => new KeyValuePair<string, JsValue>(p.Name, FromElement(p.Value)))),
        JsonValueKind.Array => FromArray(element.EnumerateArray().Select(FromElement).ToArray()),
        JsonValueKind.String => FromString(element.GetString()!),
        JsonValueKind.Number => FromNumber(ReadNumber(element)),
        JsonValueKind.True => True,
        JsonValueKind.False => False,
        _ => Null,
    };

    /// <summary>Reads a JSON number the way JSON.parse does (overflow gives an infinity).</summary>
    public static double ReadNumber(JsonElement element)
    {
        if (element.TryGetDouble(out var d))
        {
            return d;
        }

        return double.Parse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    public JsValue? Get(string key)
    {
        if (Kind != JsKind.Object)
        {
            return null;
        }

        foreach (var (k, v) in Properties)
        {
            if (string.Equals(k, key, StringComparison.Ordinal))
            {
                return v;
            }
        }

        return null;
    }

    public bool Has(string key) => Get(key) is not null;

    /// <summary>JavaScript truthiness.</summary>
    public bool IsTruthy => Kind switch
    {
        JsKind.Null => false,
        JsKind.Boolean => Boolean,
        JsKind.Number => Number != 0 && !double.IsNaN(Number),
        JsKind.String => String.Length > 0,
        _ => true,
    };

    private static bool IsArrayIndex(string key)
    {
        if (key.Length == 0 || key.Length > 10 || (key.Length > 1 && key[0] == '0'))
        {
            return false;
        }

        foreach (var c in key)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return ulong.Parse(key, CultureInfo.InvariantCulture) < uint.MaxValue;
    }
}

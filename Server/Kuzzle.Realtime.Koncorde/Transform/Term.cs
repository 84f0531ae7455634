using Kuzzle.Realtime.Koncorde.Geo;
using Kuzzle.Realtime.Koncorde.Json;

namespace Kuzzle.Realtime.Koncorde.Transform;

internal enum TermKind
{
    Everything,
    Nothing,
    Equals,
    Exists,
    Range,
    Regexp,
    Geospatial,
    Match,
    Select,
}

/// <summary>One standardised condition keyword with its parsed operands and its canonical JSON value.</summary>
internal sealed class Term
{
    private Term(TermKind kind, string keyword, JsValue value, string field)
    {
        Kind = kind;
        Keyword = keyword;
        Value = value;
        Field = field;
    }

    public TermKind Kind { get; }

    /// <summary>Keyword as written in the canonical form (<c>equals</c>, <c>exists</c>, <c>geospatial</c>...).</summary>
    public string Keyword { get; }

    /// <summary>The canonical value under the keyword (what Koncorde hashes).</summary>
    public JsValue Value { get; }

    /// <summary>Document field the term reads (exists: the path without the array value).</summary>
    public string Field { get; }

    public JsValue Scalar { get; private init; } = JsValue.Null;
    public bool IsArrayValue { get; private init; }
    public RangeBounds Range { get; private init; }
    public string Pattern { get; private init; } = "";
    public string? Flags { get; private init; }
    public GeoShape? Shape { get; private init; }
    public int SelectIndex { get; private init; }
    public JsValue SelectQuery { get; private init; } = JsValue.Null;

    public static Term Everything() => new(TermKind.Everything, "everything", JsValue.True, "");

    public static Term Nothing() => new(TermKind.Nothing, "nothing", JsValue.True, "");

    public static Term EqualsTerm(string field, JsValue scalar) =>
        new(TermKind.Equals, "equals", Obj((field, scalar)), field) { Scalar = scalar };

    public static Term Exists(string path, bool array, JsValue value) =>
        new(TermKind.Exists, "exists", Obj(("path", JsValue.FromString(path)), ("array", JsValue.FromBoolean(array)), ("value", value)), path)
        {
            IsArrayValue = array,
            Scalar = value,
        };

    public static Term RangeTerm(string field, JsValue args, RangeBounds bounds) =>
        new(TermKind.Range, "range", Obj((field, args)), field) { Range = bounds };

    public static Term Regexp(string field, string pattern, string? flags)
    {
        var inner = flags is null
            ? Obj(("value", JsValue.FromString(pattern)))
            : Obj(("flags", JsValue.FromString(flags)), ("value", JsValue.FromString(pattern)));
        return new(TermKind.Regexp, "regexp", Obj((field, inner)), field) { Pattern = pattern, Flags = flags };
    }

    public static Term Geospatial(string field, GeoShape shape) =>
        new(TermKind.Geospatial, "geospatial", Obj((shape.Keyword, Obj((field, shape.ToJs())))), field) { Shape = shape };

    public static Term Match(JsValue value) => new(TermKind.Match, "match", value, "");

    public static Term Select(JsValue raw, string field, int index, JsValue query) =>
        new(TermKind.Select, "select", raw, field) { SelectIndex = index, SelectQuery = query };

    internal static JsValue Obj(params (string Key, JsValue Value)[] properties) =>
        JsValue.FromProperties(properties.Select(p => new KeyValuePair<string, JsValue>(p.Key, p.Value)));
}

/// <summary>Bounds of a range term; lower/upper are ±infinity when absent.</summary>
internal readonly record struct RangeBounds(double Low, bool LowInclusive, double High, bool HighInclusive);

using System.Text.Json;
using System.Text.RegularExpressions;
using Kuzzle.Realtime.Koncorde.Json;
using Kuzzle.Realtime.Koncorde.Matching;

namespace Kuzzle.Realtime.Koncorde.Transform;

// Standardizer: the value keywords (equals, exists, range, regexp, match, select).
internal sealed partial class Standardizer
{
    private static Term EqualsTerm(JsValue value, string path)
    {
        Checks.IsObject(value, path, properties: 1);
        var (field, scalar) = value.Properties[0];
        Checks.IsScalar(scalar, PathAdd(path, field));
        return Term.EqualsTerm(field, scalar);
    }

    private static Term ExistsTerm(JsValue value, string path)
    {
        if (value.Kind == JsKind.String)
        {
            if (value.String.Length == 0)
            {
                throw KoncordeException.At(path, "cannot test empty field name");
            }

            return ParseFieldSyntax(value.String, path);
        }

        // Deprecated form: {exists: {field: "<path>"}}
        Checks.IsObject(value, path, properties: 1, required: ["field"]);
        var fieldPath = PathAdd(path, "field");
        var field = Checks.IsString(value.Get("field"), fieldPath);
        return ParseFieldSyntax(field, fieldPath);
    }

    /// <summary><c>path</c> or <c>path[&lt;JSON value&gt;]</c>; <c>\[</c> and <c>\]</c> escape brackets in names.</summary>
    private static Term ParseFieldSyntax(string field, string path)
    {
        var match = ArrayFieldRegex().Match(field);
        var fieldPath = field;
        var value = JsValue.Null;
        var array = match.Success;
        if (array)
        {
            fieldPath = match.Groups[1].Value;
            var raw = match.Groups[2].Value;
            try
            {
                using var doc = JsonDocument.Parse(raw);
                value = JsValue.FromElement(doc.RootElement);
            }
            catch (JsonException)
            {
                throw KoncordeException.At(path, $"contains an invalid array value (\"{raw}\")");
            }
        }

        fieldPath = EscapedBracketRegex().Replace(fieldPath, "$1");
        return Term.Exists(fieldPath, array, value);
    }

    private static Term RangeTerm(JsValue value, string path)
    {
        Checks.IsObject(value, path, properties: 1);
        var (field, args) = value.Properties[0];
        var fieldPath = $"{path}.{field}";
        Checks.IsObject(args, PathAdd(path, field), nonEmpty: true, allowed: ["gt", "gte", "lt", "lte"]);
        double high = double.PositiveInfinity, low = double.NegativeInfinity;
        bool highInclusive = true, lowInclusive = true;
        foreach (var (key, bound) in args.Properties)
        {
            if (bound.Kind != JsKind.Number)
            {
                throw KoncordeException.At(PathAdd(fieldPath, key), "must be a number");
            }

            if (key is "lt" or "lte")
            {
                if (!double.IsPositiveInfinity(high))
                {
                    throw KoncordeException.At(fieldPath, "only 1 upper boundary allowed");
                }

                high = bound.Number;
                highInclusive = key == "lte";
            }
            else
            {
                if (!double.IsNegativeInfinity(low))
                {
                    throw KoncordeException.At(fieldPath, "only 1 lower boundary allowed");
                }

                low = bound.Number;
                lowInclusive = key == "gte";
            }
        }

        if (high <= low)
        {
            throw KoncordeException.At(fieldPath, "lower boundary must be strictly inferior to the upper one");
        }

        return Term.RangeTerm(field, args, new RangeBounds(low, lowInclusive, high, highInclusive));
    }

    private static Term RegexpTerm(JsValue value, string path)
    {
        Checks.IsObject(value, path, properties: 1);
        var (field, spec) = value.Properties[0];
        string pattern;
        string? flags = null;
        if (spec.Kind == JsKind.String)
        {
            pattern = spec.String;
        }
        else if (spec.Kind == JsKind.Object)
        {
            var fieldPath = PathAdd(path, field);
            Checks.IsObject(spec, fieldPath, nonEmpty: true, required: ["value"], allowed: ["flags", "value"]);
            var v = spec.Get("value")!;

            // Koncorde passes a non-string value straight to the regexp constructor, which stringifies it.
            pattern = v.Kind == JsKind.String ? v.String : JsNumber.ToJsString(v);
            var f = spec.Get("flags");
            if (f is not null && f.IsTruthy)
            {
                flags = Checks.IsString(f, PathAdd(fieldPath, "flags"));
            }
        }
        else
        {
            throw KoncordeException.At(PathAdd(path, field), "must be either a string or a non-empty object");
        }

        var error = RegexCompiler.Validate(pattern);
        if (error is not null)
        {
            throw KoncordeException.At(PathAdd(path, field), $"cannot parse regexp expression \"/{pattern}/{flags ?? "undefined"}\" ({error})");
        }

        return Term.Regexp(field, pattern, flags);
    }

    private static Term MatchTerm(JsValue value, string path)
    {
        Checks.IsObject(value, path, nonEmpty: true);
        return Term.Match(value);
    }

    private Term SelectTerm(JsValue value, string path)
    {
        Checks.IsObject(value, path, properties: 3);
        var field = Checks.IsString(value.Get("field"), PathAdd(path, "field"));
        var index = Checks.IsInteger(value.Get("index"), PathAdd(path, "index"));
        var query = value.Get("query");
        Checks.IsObject(query, PathAdd(path, "query"), nonEmpty: true);
        Standardize(query, PathAdd(path, "query"));
        return Term.Select(value, field, index, query!);
    }

    [GeneratedRegex(@"^(.*?[^\\])\[(.*)]$")]
    private static partial Regex ArrayFieldRegex();

    [GeneratedRegex(@"\\([[\]])")]
    private static partial Regex EscapedBracketRegex();
}

using Kuzzle.Realtime.Koncorde.Json;

namespace Kuzzle.Realtime.Koncorde.Transform;

/// <summary>
/// Drops subfilters that cannot match, with Koncorde's exact (order-dependent, JavaScript-typed) checks:
/// two different equals on a field, equals vs not equals, exists vs not exists, equals outside a range.
/// </summary>
internal static class ImpossiblePredicates
{
    public static List<List<CanonicalCondition>> Remove(List<List<CanonicalCondition>> ors)
    {
        var result = new List<List<CanonicalCondition>>(ors.Count);
        foreach (var ands in ors)
        {
            if (!IsImpossible(ands))
            {
                result.Add(ands);
            }
        }

        return result;
    }

    private static bool IsImpossible(List<CanonicalCondition> ands)
    {
        var equals = new Dictionary<string, JsValue>(StringComparer.Ordinal);
        var exists = new HashSet<string>(StringComparer.Ordinal);
        var notEquals = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var notExists = new HashSet<string>(StringComparer.Ordinal);
        var ranges = new Dictionary<string, JsValue>(StringComparer.Ordinal);

        foreach (var condition in ands)
        {
            var term = condition.Term;
            var field = term.Field;
            switch (term.Kind)
            {
                case TermKind.Equals when !condition.Not:
                    var value = term.Scalar;
                    if (equals.TryGetValue(field, out var previous) && !StrictEquals(previous, value))
                    {
                        return true;
                    }

                    equals[field] = value;
                    if (notExists.Contains(field)
                        || (notEquals.TryGetValue(field, out var excluded) && excluded.Contains(JsNumber.ToJsString(value)))
                        || (ranges.TryGetValue(field, out var range) && OutOfRange(value, range)))
                    {
                        return true;
                    }

                    break;
                case TermKind.Equals:
                    if (!notEquals.TryGetValue(field, out var set))
                    {
                        set = new HashSet<string>(StringComparer.Ordinal);
                        notEquals[field] = set;
                    }

                    // Koncorde keys these by the value's string form: 1 and "1" collide here.
                    set.Add(JsNumber.ToJsString(term.Scalar));
                    if (equals.TryGetValue(field, out var eq) && StrictEquals(eq, term.Scalar))
                    {
                        return true;
                    }

                    break;
                case TermKind.Exists when !condition.Not:
                    exists.Add(field);
                    if (notExists.Contains(field))
                    {
                        return true;
                    }

                    break;
                case TermKind.Exists:
                    notExists.Add(field);
                    if (equals.ContainsKey(field) || exists.Contains(field) || ranges.ContainsKey(field))
                    {
                        return true;
                    }

                    break;
                case TermKind.Range when !condition.Not:
                    var args = term.Value.Properties[0].Value;
                    ranges[field] = args;
                    if (notExists.Contains(field) || (equals.TryGetValue(field, out var current) && OutOfRange(current, args)))
                    {
                        return true;
                    }

                    break;
            }
        }

        return false;
    }

    private static bool OutOfRange(JsValue value, JsValue range)
    {
        // JavaScript relational operators: the value is converted to a number (NaN compares false).
        var v = JsNumber.ToNumber(value);

        return (range.Get("lt") is { } lt && v >= lt.Number)
            || (range.Get("lte") is { } lte && v > lte.Number)
            || (range.Get("gt") is { } gt && v <= gt.Number)
            || (range.Get("gte") is { } gte && v < gte.Number);
    }

    private static bool StrictEquals(JsValue a, JsValue b)
    {
        if (a.Kind != b.Kind)
        {
            return false;
        }

        return a.Kind switch
        {
            JsKind.Null => true,
            JsKind.Boolean => a.Boolean == b.Boolean,
            JsKind.Number => a.Number == b.Number,
            JsKind.String => string.Equals(a.String, b.String, StringComparison.Ordinal),
            _ => ReferenceEquals(a, b),
        };
    }
}

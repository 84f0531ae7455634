using System.Text.Json;
using Kuzzle.Realtime.Koncorde.Json;

namespace Kuzzle.Realtime.Koncorde.Matching;

/// <summary>
/// The <c>match</c> keyword: recursive subset matching (scalars strictly equal, every filter key matched,
/// every filter array element matched by a distinct document element).
/// </summary>
internal static class ObjectMatcher
{
    public static bool MatchAny(JsonElement? value, JsValue toMatch)
    {
        if (value is not { } obj)
        {
            return false;
        }

        switch (toMatch.Kind)
        {
            case JsKind.String:
                return obj.ValueKind == JsonValueKind.String && obj.ValueEquals(toMatch.String);
            case JsKind.Number:
                return obj.ValueKind == JsonValueKind.Number && JsValue.ReadNumber(obj) == toMatch.Number;
            case JsKind.Boolean:
                return toMatch.Boolean ? obj.ValueKind == JsonValueKind.True : obj.ValueKind == JsonValueKind.False;
            case JsKind.Null:
                return obj.ValueKind == JsonValueKind.Null;
            case JsKind.Array:
                return obj.ValueKind == JsonValueKind.Array && MatchArray(obj, toMatch);
            default:
                return obj.ValueKind == JsonValueKind.Object && MatchObject(obj, toMatch);
        }
    }

    private static bool MatchObject(JsonElement obj, JsValue match)
    {
        foreach (var (key, expected) in match.Properties)
        {
            JsonElement? found = obj.TryGetProperty(key, out var v) ? v : null;
            if (!MatchAny(found, expected))
            {
                return false;
            }
        }

        return true;
    }

    private static bool MatchArray(JsonElement array, JsValue match)
    {
        var length = array.GetArrayLength();
        if (length < match.Items.Count)
        {
            return false;
        }

        var used = new bool[length];
        foreach (var expected in match.Items)
        {
            var found = false;
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                if (!used[i] && MatchAny(item, expected))
                {
                    used[i] = true;
                    found = true;
                    break;
                }

                i++;
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }
}

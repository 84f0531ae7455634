using System.Runtime.InteropServices;
using System.Text.Json;
using Kuzzle.Realtime.Koncorde.Json;

namespace Kuzzle.Realtime.Koncorde.Matching;

/// <summary>
/// Scalar value -> condition, with JavaScript Map semantics (strict type, 0 == -0). Lookups from a document
/// read string values straight from the UTF-8 JSON without allocating.
/// </summary>
internal sealed class ScalarMap
{
    private readonly Utf8KeyMap<ConditionEntry> _strings = new();
    private readonly Dictionary<double, ConditionEntry> _numbers = [];
    private ConditionEntry? _true;
    private ConditionEntry? _false;
    private ConditionEntry? _null;
    public int Count { get; private set; }

    public void Add(JsValue scalar, ConditionEntry condition)
    {
        switch (scalar.Kind)
        {
            case JsKind.String:
                _strings.Set(scalar.String, condition);
                break;
            case JsKind.Number:
                _numbers[scalar.Number] = condition;
                break;
            case JsKind.Boolean when scalar.Boolean:
                _true = condition;
                break;
            case JsKind.Boolean:
                _false = condition;
                break;
            case JsKind.Null:
                _null = condition;
                break;
            default:
                // Objects and arrays compare by identity in Koncorde: they never match.
                return;
        }

        Count++;
    }

    public void Remove(JsValue scalar)
    {
        var removed = scalar.Kind switch
        {
            JsKind.String => _strings.Remove(scalar.String),
            JsKind.Number => _numbers.Remove(scalar.Number),
            JsKind.Boolean when scalar.Boolean => Clear(ref _true),
            JsKind.Boolean => Clear(ref _false),
            JsKind.Null => Clear(ref _null),
            _ => false,
        };
        if (removed)
        {
            Count--;
        }
    }

    public ConditionEntry? Find(string text) => _strings.Get(text);

    public ConditionEntry? Find(JsonElement value)
    {
        // The raw JSON token tells the kind by its first byte: one read of the element instead of two.
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.Length > 0 && raw[0] == (byte)'"')
        {
            if (_strings.Count == 0)
            {
                return null;
            }

            // The raw JSON text is the UTF-8 value itself unless it holds escapes.
            var found = _strings.GetUnescaped(raw[1..^1], out var escaped);
            return escaped ? _strings.Get(value.GetString()!) : found;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return _numbers.Count == 0 ? null : _numbers.GetValueOrDefault(JsValue.ReadNumber(value));
            case JsonValueKind.True:
                return _true;
            case JsonValueKind.False:
                return _false;
            case JsonValueKind.Null:
                return _null;
            default:
                return null;
        }
    }

    private static bool Clear(ref ConditionEntry? slot)
    {
        var had = slot is not null;
        slot = null;
        return had;
    }
}

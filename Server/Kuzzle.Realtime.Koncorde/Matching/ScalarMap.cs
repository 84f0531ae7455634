using System.Runtime.InteropServices;
using System.Text.Json;
using Kuzzle.Realtime.Koncorde.Json;

namespace Kuzzle.Realtime.Koncorde.Matching;

/// <summary>
/// Scalar value -> condition, with JavaScript Map semantics (strict type, 0 == -0). Lookups from a document
/// read string values straight from the UTF-8 JSON without allocating. One writer at a time; lookups may run
/// concurrently with it without a lock (see <see cref="Utf8KeyMap{T}"/>).
/// </summary>
internal sealed class ScalarMap
{
    private readonly Utf8KeyMap<ConditionEntry> _strings = new();

    // Keyed by the number's 8 bytes: the same lock-free lookups as strings.
    private readonly Utf8KeyMap<ConditionEntry> _numbers = new();
    // Written with Volatile.Write: readers without a lock see complete entries.
    private ConditionEntry? _true;
    private ConditionEntry? _false;
    private ConditionEntry? _null;

    public int Count { get; private set; }

    /// <summary>The string values (read by prepared-document tests without going through this object).</summary>
    public Utf8KeyMap<ConditionEntry> Strings => _strings;

    public void Add(JsValue scalar, ConditionEntry condition)
    {
        switch (scalar.Kind)
        {
            case JsKind.String:
                _strings.Set(scalar.String, condition);
                break;
            case JsKind.Number:
                _numbers.Set(NumberKey(scalar.Number), condition);
                break;
            case JsKind.Boolean when scalar.Boolean:
                Count += _true is null ? 1 : 0;
                Volatile.Write(ref _true, condition);
                return;
            case JsKind.Boolean:
                Count += _false is null ? 1 : 0;
                Volatile.Write(ref _false, condition);
                return;
            case JsKind.Null:
                Count += _null is null ? 1 : 0;
                Volatile.Write(ref _null, condition);
                return;
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
            JsKind.Number => _numbers.Remove(NumberKey(scalar.Number)),
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

    /// <summary>Looks up a text the caller has in UTF-8 with its <see cref="Utf8Hash"/>.</summary>
    public ConditionEntry? FindString(ReadOnlySpan<byte> utf8, ulong hash) => _strings.Count == 0 ? null : _strings.Get(utf8, hash);

    /// <summary>Looks up a prepared document's property value: no hashing, no parsing (both done when prepared).</summary>
    public ConditionEntry? Find(KoncordeDocument document, in DocumentProperty property)
    {
        switch (property.Kind)
        {
            case DocumentValueKind.String:
                return _strings.Count == 0 ? null : _strings.Get(document.StringBytes(property), property.ValueHash);
            case DocumentValueKind.Number:
                if (_numbers.Count == 0)
                {
                    return null;
                }

                Span<byte> key = stackalloc byte[sizeof(ulong)];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(key, property.NumberKey);
                return _numbers.Get(key, property.ValueHash);
            case DocumentValueKind.True:
                return _true;
            case DocumentValueKind.False:
                return _false;
            case DocumentValueKind.Null:
                return _null;
            default:
                // Objects and arrays compare by identity in Koncorde: they never match.
                return null;
        }
    }

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
                return _numbers.Count == 0 ? null : FindNumber(JsValue.ReadNumber(value));
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

    /// <summary>
    /// Looks up one raw JSON value token (as written in the document text). Returns false when the token is a
    /// string holding escapes (the caller decodes it and looks the text up instead), or a number it cannot read.
    /// </summary>
    public bool TryFindRaw(ReadOnlySpan<byte> token, out ConditionEntry? found)
    {
        found = null;
        switch (token[0])
        {
            case (byte)'"':
                if (_strings.Count == 0)
                {
                    return true;
                }

                found = _strings.GetUnescaped(token[1..^1], out var escaped);
                return !escaped;
            case (byte)'t':
                found = _true;
                return true;
            case (byte)'f':
                found = _false;
                return true;
            case (byte)'n':
                found = _null;
                return true;
            case (byte)'{' or (byte)'[':
                return true;
            default:
                if (_numbers.Count == 0)
                {
                    return true;
                }

                if (!JsNumber.TryParseJson(token, out var number))
                {
                    return false;
                }

                found = FindNumber(number);
                return true;
        }
    }

    private ConditionEntry? FindNumber(double number)
    {
        Span<byte> key = stackalloc byte[sizeof(double)];
        WriteNumberKey(number, key);
        return _numbers.Get(key);
    }

    private static byte[] NumberKey(double number)
    {
        var key = new byte[sizeof(double)];
        WriteNumberKey(number, key);
        return key;
    }

    // 0 and -0 are the same key (SameValueZero); JSON has no NaN.
    private static void WriteNumberKey(double number, Span<byte> key) =>
        System.Buffers.Binary.BinaryPrimitives.WriteDoubleLittleEndian(key, number == 0 ? 0 : number);

    private static bool Clear(ref ConditionEntry? slot)
    {
        var had = slot is not null;
        Volatile.Write(ref slot, null);
        return had;
    }
}

using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Kuzzle.Realtime.Koncorde.Json;
using Kuzzle.Realtime.Koncorde.Matching;

namespace Kuzzle.Realtime.Koncorde;

/// <summary>
/// A document prepared once for testing: its top-level properties read from the UTF-8 JSON text in one pass,
/// with the hashes the engine's maps need (names, string values, normalised numbers) computed here rather than
/// on every test. Equality-only indexes are then tested with one property lookup and one map probe per field;
/// other indexes test the parsed document, parsed at most once however many tests use it.
/// </summary>
/// <remarks>
/// Reusable: <see cref="Load"/> replaces the content and keeps the buffers, so a publish path holding one per
/// thread allocates nothing. The JSON memory is referenced, not copied: it must stay unchanged until the next
/// Load or Dispose. Not thread-safe: one thread loads and tests it at a time.
/// </remarks>
public sealed class KoncordeDocument : IDisposable
{
    // Above this many properties, a name lookup goes through a hash index instead of a scan.
    private const int MaxScanned = 8;

    private DocumentProperty[] _properties = new DocumentProperty[8];
    private int _count;

    // Escaped names and string values, unescaped, and the document id in UTF-8.
    private byte[] _decoded = new byte[64];
    private int _decodedUsed;

    // Name hash index (bucket = property index + 1, 0 = empty), built only for large documents.
    private int[] _buckets = [];
    private int _bucketMask;

    private ReadOnlyMemory<byte> _json;

    // The text's array and where the text starts in it: ReadOnlyMemory.Span costs type checks on every call, an
    // array slice does not. Text not backed by an array is copied into _copy.
    private byte[] _text = [];
    private int _textOffset;
    private byte[] _copy = [];
    private JsonDocument? _parsed;

    /// <summary>The document id given to <see cref="Load"/>, tested by <c>ids</c> and <c>_id</c> conditions.</summary>
    public string? Id { get; private set; }

    /// <summary>The document content as given to <see cref="Load"/>.</summary>
    public ReadOnlyMemory<byte> Json => _json;

    /// <summary>
    /// The content is an object whose top-level properties were all read (false: the text could not be followed
    /// by the direct reader and every test parses it).
    /// </summary>
    internal bool IsRead { get; private set; }

    internal ulong IdHash { get; private set; }

    /// <summary>Prepares a new document.</summary>
    /// <param name="utf8Json">the document content as UTF-8 JSON text (valid JSON, as written by Utf8JsonWriter)</param>
    /// <param name="documentId">the document id, tested by <c>ids</c> and <c>_id</c> conditions</param>
    public static KoncordeDocument Create(ReadOnlyMemory<byte> utf8Json, string? documentId = null)
    {
        var document = new KoncordeDocument();
        document.Load(utf8Json, documentId);
        return document;
    }

    /// <summary>Replaces the content, reusing this instance's buffers.</summary>
    /// <param name="utf8Json">the document content as UTF-8 JSON text; it must be valid JSON (as written by
    /// Utf8JsonWriter): the direct read does not validate it. Referenced, not copied.</param>
    /// <param name="documentId">the document id, tested by <c>ids</c> and <c>_id</c> conditions</param>
    public void Load(ReadOnlyMemory<byte> utf8Json, string? documentId = null)
    {
        Clear();
        _json = utf8Json;
        if (MemoryMarshal.TryGetArray(utf8Json, out var segment))
        {
            _text = segment.Array!;
            _textOffset = segment.Offset;
        }
        else
        {
            if (_copy.Length < utf8Json.Length)
            {
                _copy = new byte[utf8Json.Length];
            }

            utf8Json.Span.CopyTo(_copy);
            _text = _copy;
            _textOffset = 0;
        }

        Id = documentId;
        if (documentId is not null)
        {
            var (start, length) = Append(documentId);
            IdHash = Utf8Hash.Compute(_decoded.AsSpan(start, length), out _);
            IdStart = start;
            IdLength = length;
        }

        IsRead = ReadProperties(utf8Json.Span);
        if (IsRead && _count > MaxScanned)
        {
            BuildIndex();
        }
    }

    /// <summary>Releases the parsed form, if a test needed one.</summary>
    public void Dispose() => Clear();

    internal int IdStart { get; private set; }

    internal int IdLength { get; private set; }

    /// <summary>The document id in UTF-8 (valid when <see cref="Id"/> is set).</summary>
    internal ReadOnlySpan<byte> IdUtf8 => _decoded.AsSpan(IdStart, IdLength);

    /// <summary>The parsed content, parsed on first use.</summary>
    /// <exception cref="JsonException">the text is not JSON</exception>
    internal JsonElement Parsed => (_parsed ??= JsonDocument.Parse(_json)).RootElement;

    /// <summary>
    /// Index of a top-level property found by its UTF-8 name and that name's <see cref="Utf8Hash"/>, or -1. The
    /// last of duplicate names wins, as JSON.parse.
    /// </summary>
    internal int Find(ReadOnlySpan<byte> name, ulong hash)
    {
        var properties = _properties;
        if (_buckets.Length == 0)
        {
            for (var i = _count - 1; i >= 0; i--)
            {
                ref readonly var property = ref properties[i];
                if (property.NameHash == hash && Bytes(property.NameStart, property.NameLength, property.NameDecoded).SequenceEqual(name))
                {
                    return i;
                }
            }

            return -1;
        }

        for (var i = _buckets[(int)hash & _bucketMask] - 1; i >= 0; i = properties[i].Next)
        {
            ref readonly var property = ref properties[i];
            if (property.NameHash == hash && Bytes(property.NameStart, property.NameLength, property.NameDecoded).SequenceEqual(name))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A property found by <see cref="Find"/>.</summary>
    internal ref readonly DocumentProperty Property(int index) => ref _properties[index];

    /// <summary>The content of a string value (unescaped).</summary>
    internal ReadOnlySpan<byte> StringBytes(in DocumentProperty property) =>
        Bytes(property.ValueStart, property.ValueLength, property.ValueDecoded);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Bytes(int start, int length, bool decoded) =>
        decoded ? _decoded.AsSpan(start, length) : _text.AsSpan(_textOffset + start, length);

    private void Clear()
    {
        _parsed?.Dispose();
        _parsed = null;
        _json = default;
        _text = [];
        Id = null;
        IsRead = false;
        _count = 0;
        _decodedUsed = 0;
        if (_buckets.Length > 0)
        {
            Array.Clear(_buckets);
        }
    }

    private bool ReadProperties(ReadOnlySpan<byte> json)
    {
        var reader = new RawObjectReader(json);
        if (!reader.IsObject)
        {
            return false;
        }

        while (reader.TryReadProperty(out var name, out var nameEscaped, out var value))
        {
            if (_count == _properties.Length)
            {
                Array.Resize(ref _properties, _count * 2);
            }

            ref var property = ref _properties[_count++];
            property = default;
            property.NameStart = Offset(json, name);
            property.NameLength = name.Length;
            if (nameEscaped)
            {
                // The quotes around the name are in the text, just outside the span.
                if (!TryUnescape(json.Slice(property.NameStart - 1, name.Length + 2), out property.NameStart, out property.NameLength))
                {
                    return false;
                }

                property.NameDecoded = true;
            }

            property.NameHash = Utf8Hash.Compute(Bytes(property.NameStart, property.NameLength, property.NameDecoded), out _);
            if (!TryReadValue(json, value, ref property))
            {
                return false;
            }
        }

        return !reader.Malformed;
    }

    private bool TryReadValue(ReadOnlySpan<byte> json, ReadOnlySpan<byte> token, ref DocumentProperty property)
    {
        switch (token[0])
        {
            case (byte)'"':
                property.Kind = DocumentValueKind.String;
                property.ValueStart = Offset(json, token) + 1;
                property.ValueLength = token.Length - 2;
                property.ValueHash = Utf8Hash.Compute(token[1..^1], out var escaped);
                if (escaped)
                {
                    if (!TryUnescape(token, out property.ValueStart, out property.ValueLength))
                    {
                        return false;
                    }

                    property.ValueDecoded = true;
                    property.ValueHash = Utf8Hash.Compute(_decoded.AsSpan(property.ValueStart, property.ValueLength), out _);
                }

                return true;
            case (byte)'t':
                property.Kind = DocumentValueKind.True;
                return true;
            case (byte)'f':
                property.Kind = DocumentValueKind.False;
                return true;
            case (byte)'n':
                property.Kind = DocumentValueKind.Null;
                return true;
            case (byte)'{' or (byte)'[':
                property.Kind = DocumentValueKind.Structure;
                return true;
            default:
                if (!TryParseInteger(token, out var number) && !JsNumber.TryParseJson(token, out number))
                {
                    return false;
                }

                // The maps key numbers by their 8 bytes, 0 and -0 alike (SameValueZero).
                property.Kind = DocumentValueKind.Number;
                property.NumberKey = NumberKey(number);
                Span<byte> key = stackalloc byte[sizeof(ulong)];
                BinaryPrimitives.WriteUInt64LittleEndian(key, property.NumberKey);
                property.ValueHash = Utf8Hash.Compute(key, out _);
                return true;
        }
    }

    /// <summary>
    /// Short integers (the common case) without the general parser: up to 15 digits are exact in a double, so the
    /// result is the one JSON.parse gives. Anything else (fraction, exponent, longer) is left to the parser.
    /// </summary>
    private static bool TryParseInteger(ReadOnlySpan<byte> token, out double value)
    {
        value = 0;
        var negative = token[0] == (byte)'-';
        var digits = negative ? token[1..] : token;
        if (digits.Length is 0 or > 15)
        {
            return false;
        }

        long n = 0;
        foreach (var c in digits)
        {
            var digit = (uint)(c - '0');
            if (digit > 9)
            {
                return false;
            }

            n = (n * 10) + digit;
        }

        value = negative ? -(double)n : n;
        return true;
    }

    /// <summary>The little-endian bits of the number as the maps key it (-0 folded into 0).</summary>
    internal static ulong NumberKey(double number) => BitConverter.DoubleToUInt64Bits(number == 0 ? 0 : number);

    /// <summary>Unescapes a JSON string token (quotes included) into the decoded buffer.</summary>
    private bool TryUnescape(ReadOnlySpan<byte> token, out int start, out int length)
    {
        start = 0;
        length = 0;
        try
        {
            var reader = new Utf8JsonReader(token);
            reader.Read();
            EnsureDecoded(token.Length);
            length = reader.CopyString(_decoded.AsSpan(_decodedUsed));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // An escape .NET will not decode (a lone surrogate): the general test decides.
            return false;
        }

        start = _decodedUsed;
        _decodedUsed += length;
        return true;
    }

    private (int Start, int Length) Append(string text)
    {
        EnsureDecoded(Encoding.UTF8.GetMaxByteCount(text.Length));
        var start = _decodedUsed;
        var length = Encoding.UTF8.GetBytes(text, _decoded.AsSpan(start));
        _decodedUsed += length;
        return (start, length);
    }

    private void EnsureDecoded(int more)
    {
        if (_decoded.Length - _decodedUsed < more)
        {
            Array.Resize(ref _decoded, Math.Max(_decoded.Length * 2, _decodedUsed + more));
        }
    }

    private void BuildIndex()
    {
        var size = 16;
        while (size < _count * 2)
        {
            size *= 2;
        }

        if (_buckets.Length < size)
        {
            _buckets = new int[size];
        }

        _bucketMask = _buckets.Length - 1;

        // Later properties go to the head of their chain: a duplicate name finds its last value first.
        for (var i = 0; i < _count; i++)
        {
            ref var bucket = ref _buckets[(int)_properties[i].NameHash & _bucketMask];
            _properties[i].Next = bucket - 1;
            bucket = i + 1;
        }
    }

    private static int Offset(ReadOnlySpan<byte> json, ReadOnlySpan<byte> part) =>
        (int)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(json), ref MemoryMarshal.GetReference(part));
}

/// <summary>Kinds of top-level values in a prepared document (objects and arrays are not looked into).</summary>
internal enum DocumentValueKind : byte
{
    Null,
    True,
    False,
    Number,
    String,
    Structure,
}

/// <summary>One top-level property of a prepared document.</summary>
internal struct DocumentProperty
{
    public ulong NameHash;
    public ulong ValueHash;

    /// <summary>Numbers: the key the maps use (see <see cref="KoncordeDocument.NumberKey"/>).</summary>
    public ulong NumberKey;
    public int NameStart;
    public int NameLength;
    public int ValueStart;
    public int ValueLength;

    /// <summary>Next property in the same hash bucket, or -1.</summary>
    public int Next;
    public DocumentValueKind Kind;

    /// <summary>The name or value is in the decoded buffer rather than in the JSON text.</summary>
    public bool NameDecoded;
    public bool ValueDecoded;
}

using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Kuzzle.Realtime.Koncorde.Json;

/// <summary>
/// Reads the top-level properties of a JSON object straight from its UTF-8 text, one pass, no allocation:
/// each property's raw name and raw value token (nested objects and arrays are skipped, not parsed). The text is
/// assumed to be valid JSON; what this reader cannot follow ends the read with <see cref="Malformed"/> set.
/// </summary>
internal ref struct RawObjectReader
{
    // Bytes that change the nesting depth, or start a string whose content must be skipped whole.
    private static readonly SearchValues<byte> Structure = SearchValues.Create("\"{}[]"u8);

    private readonly ReadOnlySpan<byte> _json;
    private int _position;
    private bool _done;

    /// <param name="json">the text of one JSON value</param>
    public RawObjectReader(ReadOnlySpan<byte> json)
    {
        _json = json;
        _position = SkipWhitespace(json, 0);
        IsObject = _position < json.Length && json[_position] == (byte)'{';
        _done = !IsObject;
        _position++;
    }

    /// <summary>The text starts with an object.</summary>
    public bool IsObject { get; }

    /// <summary>The text could not be followed (the caller should parse it properly).</summary>
    public bool Malformed { get; private set; }

    /// <summary>The next property: its name's raw content (between the quotes) and its raw value token.</summary>
    /// <param name="nameEscaped">the name holds an escape sequence: its raw content is not its value</param>
    public bool TryReadProperty(out ReadOnlySpan<byte> name, out bool nameEscaped, out ReadOnlySpan<byte> value)
    {
        name = default;
        value = default;
        nameEscaped = false;
        if (_done)
        {
            return false;
        }

        var json = _json;
        var i = SkipWhitespace(json, _position);
        if (i < json.Length && json[i] == (byte)'}')
        {
            _done = true;
            return false;
        }

        if (i >= json.Length || json[i] != (byte)'"' || (SkipString(json, i, out nameEscaped) is var nameEnd && nameEnd < 0))
        {
            return Fail();
        }

        name = json[(i + 1)..(nameEnd - 1)];
        i = SkipWhitespace(json, nameEnd);
        if (i >= json.Length || json[i] != (byte)':')
        {
            return Fail();
        }

        i = SkipWhitespace(json, i + 1);
        var valueEnd = i >= json.Length ? -1 : json[i] switch
        {
            (byte)'"' => SkipString(json, i, out _),
            (byte)'{' or (byte)'[' => SkipNested(json, i),
            _ => SkipLiteral(json, i),
        };
        if (valueEnd <= i)
        {
            return Fail();
        }

        value = json[i..valueEnd];
        i = SkipWhitespace(json, valueEnd);
        if (i >= json.Length || (json[i] != (byte)',' && json[i] != (byte)'}'))
        {
            return Fail();
        }

        // After a comma the next call reads a name; after the closing brace it finds the end.
        _position = json[i] == (byte)',' ? i + 1 : i;
        return true;
    }

    private bool Fail()
    {
        Malformed = true;
        _done = true;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            i++;
        }

        return i;
    }

    /// <summary>Index after the closing quote of the string opening at <paramref name="start"/>, or -1.</summary>
    private static int SkipString(ReadOnlySpan<byte> json, int start, out bool escaped)
    {
        escaped = false;
        var i = start + 1;
        while (true)
        {
            i = FindQuoteOrBackslash(json, i);
            if (i < 0)
            {
                return -1;
            }

            if (json[i] == (byte)'"')
            {
                return i + 1;
            }

            // A backslash escapes the next byte (the first of \uXXXX's letters are plain ones).
            escaped = true;
            i += 2;
        }
    }

    /// <summary>Index of the first quote or backslash at or after <paramref name="from"/>, or -1.</summary>
    private static int FindQuoteOrBackslash(ReadOnlySpan<byte> json, int from)
    {
        const ulong Ones = 0x0101010101010101;
        const ulong Highs = 0x8080808080808080;
        const ulong Quotes = 0x2222222222222222;
        const ulong Backslashes = 0x5C5C5C5C5C5C5C5C;

        // Names and values are mostly short: eight bytes at a time costs less than setting up a vector search. A
        // byte of word ^ pattern is zero where the word holds that byte; (x - Ones) & ~x & Highs flags zero bytes,
        // exactly up to the first one (borrows only spill above it), which is all this needs.
        var i = from;
        for (var words = 0; words < 4 && i <= json.Length - 8; words++, i += 8)
        {
            var word = BinaryPrimitives.ReadUInt64LittleEndian(json[i..]);
            var q = word ^ Quotes;
            var b = word ^ Backslashes;
            var found = (((q - Ones) & ~q) | ((b - Ones) & ~b)) & Highs;
            if (found != 0)
            {
                return i + (BitOperations.TrailingZeroCount(found) >> 3);
            }
        }

        if (i >= json.Length)
        {
            return -1;
        }

        var k = json[i..].IndexOfAny((byte)'"', (byte)'\\');
        return k < 0 ? -1 : i + k;
    }

    /// <summary>Index after the object or array opening at <paramref name="start"/>, or -1.</summary>
    private static int SkipNested(ReadOnlySpan<byte> json, int start)
    {
        var depth = 0;
        var i = start;
        while (i < json.Length)
        {
            var k = json[i..].IndexOfAny(Structure);
            if (k < 0)
            {
                return -1;
            }

            i += k;
            switch (json[i])
            {
                case (byte)'"':
                    i = SkipString(json, i, out _);
                    if (i < 0)
                    {
                        return -1;
                    }

                    continue;
                case (byte)'{' or (byte)'[':
                    depth++;
                    break;
                default:
                    if (--depth == 0)
                    {
                        return i + 1;
                    }

                    break;
            }

            i++;
        }

        return -1;
    }

    /// <summary>Index after a number, true, false or null starting at <paramref name="start"/>.</summary>
    private static int SkipLiteral(ReadOnlySpan<byte> json, int start)
    {
        var i = start;
        while (i < json.Length && json[i] is not ((byte)',' or (byte)'}' or (byte)']' or (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
        {
            i++;
        }

        return i;
    }
}

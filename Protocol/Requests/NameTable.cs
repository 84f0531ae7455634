using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Kuzzle.Realtime.Protocol.Requests;

/// <summary>
/// Interns controller and action names read from frames, so the hot path does not allocate the same few strings for every request.
/// Bounded: once full, unknown names are returned as fresh strings (a client sending random names cannot grow it).
/// </summary>
internal static class NameTable
{
    private const int MaxNames = 4096;
    private const int MaxLength = 64;

    private static readonly ConcurrentDictionary<string, string> Names = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> Lookup =
        Names.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The string value of a JSON string element, interned when short and plain.</summary>
    public static string Get(JsonElement element)
    {
        // The raw value of a string element includes its quotes.
        var raw = JsonMarshal.GetRawUtf8Value(element)[1..^1];
        if (raw.Length > MaxLength || raw.IndexOf((byte)'\\') >= 0)
        {
            return element.GetString()!;
        }

        Span<char> chars = stackalloc char[MaxLength];
        if (!Encoding.UTF8.TryGetChars(raw, chars, out var written))
        {
            return element.GetString()!;
        }

        var name = chars[..written];
        if (Lookup.TryGetValue(name, out var interned))
        {
            return interned;
        }

        var created = new string(name);
        return Names.Count < MaxNames ? Names.GetOrAdd(created, created) : created;
    }
}

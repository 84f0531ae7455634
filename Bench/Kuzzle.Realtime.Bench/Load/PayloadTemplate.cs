using System.Text;

namespace Kuzzle.Realtime.Bench.Load;

/// <summary>
/// A message with an optional <c>{id}</c> placeholder. Each connection copies it once into its own send buffer and
/// then only rewrites the fixed-width id digits in place, so sending never allocates.
/// </summary>
public sealed class PayloadTemplate
{
    public const string Placeholder = "{id}";

    /// <summary>The default request: Kuzzle's cheapest action, answered by the server itself.</summary>
    public const string ServerNow = """{"controller":"server","action":"now","requestId":"{id}"}""";

    // "c" + 6 digits (connection) + "-" + 12 digits (sequence): constant length keeps every frame the same size.
    public const int IdLength = 20;

    private readonly byte[] _bytes;

    private PayloadTemplate(byte[] bytes, int idOffset)
    {
        _bytes = bytes;
        IdOffset = idOffset;
    }

    /// <summary>Offset of the id in the message, or -1 when the payload has no placeholder.</summary>
    public int IdOffset { get; }

    public bool HasId => IdOffset >= 0;

    public int Length => _bytes.Length;

    public static PayloadTemplate Parse(string payload)
    {
        var at = payload.IndexOf(Placeholder, StringComparison.Ordinal);
        if (at < 0)
        {
            return new PayloadTemplate(Encoding.UTF8.GetBytes(payload), -1);
        }

        if (payload.IndexOf(Placeholder, at + 1, StringComparison.Ordinal) >= 0)
        {
            throw new ArgumentException($"the payload may contain {Placeholder} only once", nameof(payload));
        }

        var prefix = Encoding.UTF8.GetBytes(payload[..at]);
        var suffix = Encoding.UTF8.GetBytes(payload[(at + Placeholder.Length)..]);
        var bytes = new byte[prefix.Length + IdLength + suffix.Length];
        prefix.CopyTo(bytes, 0);
        suffix.CopyTo(bytes, prefix.Length + IdLength);
        return new PayloadTemplate(bytes, prefix.Length);
    }

    public void CopyTo(Span<byte> destination) => _bytes.CopyTo(destination);

    /// <summary>Writes the id for (connection, sequence) into <paramref name="id"/> (IdLength bytes).</summary>
    public static void WriteId(Span<byte> id, int connection, long sequence)
    {
        id[0] = (byte)'c';
        WriteDigits(id.Slice(1, 6), connection);
        id[7] = (byte)'-';
        WriteDigits(id.Slice(8, 12), sequence);
    }

    private static void WriteDigits(Span<byte> target, long value)
    {
        for (var i = target.Length - 1; i >= 0; i--)
        {
            target[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}

using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Kuzzle.Realtime.Tokens;

/// <summary>
/// SHA-256 of a token string: what the stores keep instead of the token (a leaked store yields no usable token), the API-key
/// fingerprint, and the in-process cache key (a value type, so a lookup allocates nothing).
/// </summary>
public readonly record struct TokenHash(ulong A, ulong B, ulong C, ulong D)
{
    /// <summary>Hashes a token string (UTF-8).</summary>
    public static TokenHash Compute(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        Span<byte> digest = stackalloc byte[32];
        var max = Encoding.UTF8.GetMaxByteCount(token.Length);
        byte[]? rented = null;
        var buffer = max <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var length = Encoding.UTF8.GetBytes(token, buffer);
            SHA256.HashData(buffer[..length], digest);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        return new TokenHash(
            BinaryPrimitives.ReadUInt64BigEndian(digest),
            BinaryPrimitives.ReadUInt64BigEndian(digest[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(digest[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(digest[24..]));
    }

    /// <summary>Parses the 64-character lowercase hex form.</summary>
    public static bool TryParse(string? hex, out TokenHash hash)
    {
        hash = default;
        if (hex is not { Length: 64 })
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[32];
        if (Convert.FromHexString(hex, bytes, out _, out var written) != OperationStatus.Done || written != 32)
        {
            return false;
        }

        hash = new TokenHash(
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]));
        return true;
    }

    /// <summary>Lowercase hex, as Kuzzle writes API-key fingerprints.</summary>
    public string ToHex()
    {
        Span<byte> bytes = stackalloc byte[32];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, A);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], B);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[16..], C);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[24..], D);
        return Convert.ToHexStringLower(bytes);
    }

    /// <inheritdoc />
    public override string ToString() => ToHex();
}

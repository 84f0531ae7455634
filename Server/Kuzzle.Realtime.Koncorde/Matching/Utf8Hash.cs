using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Kuzzle.Realtime.Koncorde.Matching;

/// <summary>
/// The seeded hash of the string-keyed maps and of prepared documents (both must hash alike). The seed is
/// random per process: keys and document values come from clients, a fixed hash would let them flood a bucket.
/// </summary>
/// <remarks>
/// wyhash's construction (final version): up to 16 bytes cost one 64×64→128-bit multiply plus the final mix, and
/// longer keys run three independent lanes per 48 bytes, so the multiplies overlap instead of forming one
/// dependent chain per 8-byte word.
/// </remarks>
internal static class Utf8Hash
{
    private const ulong S0 = 0x2d358dccaa6c78a5;
    private const ulong S1 = 0x8bb84b93962eacc9;
    private const ulong S2 = 0x4b33a62ed433d4a3;
    private const ulong S3 = 0x4d5a2da51de1aa47;

    private static readonly ulong Seed = MakeSeed();

    /// <summary>Hash of the bytes; also tells, in the same pass, whether they hold a backslash.</summary>
    public static ulong Compute(ReadOnlySpan<byte> key, out bool backslash)
    {
        ref var p = ref MemoryMarshal.GetReference(key);
        var length = key.Length;
        var seed = Seed;
        ulong a;
        ulong b;
        ulong found;
        if (length <= 16)
        {
            if (length >= 4)
            {
                // Two to four overlapping 4-byte reads cover every byte.
                var q = (length >> 3) << 2;
                a = ((ulong)Read4(ref p, 0) << 32) | Read4(ref p, q);
                b = ((ulong)Read4(ref p, length - 4) << 32) | Read4(ref p, length - 4 - q);
                found = Backslashes(a) | Backslashes(b);
            }
            else if (length > 0)
            {
                a = ((ulong)p << 16) | ((ulong)Unsafe.Add(ref p, length >> 1) << 8) | Unsafe.Add(ref p, length - 1);
                b = 0;

                // The zero upper bytes are not backslashes.
                found = Backslashes(a);
            }
            else
            {
                a = 0;
                b = 0;
                found = 0;
            }
        }
        else
        {
            found = 0;
            var offset = 0;
            var left = length;
            if (left >= 48)
            {
                var see1 = seed;
                var see2 = seed;
                do
                {
                    var w0 = Read8(ref p, offset);
                    var w1 = Read8(ref p, offset + 8);
                    var w2 = Read8(ref p, offset + 16);
                    var w3 = Read8(ref p, offset + 24);
                    var w4 = Read8(ref p, offset + 32);
                    var w5 = Read8(ref p, offset + 40);
                    found |= Backslashes(w0) | Backslashes(w1) | Backslashes(w2) | Backslashes(w3) | Backslashes(w4) | Backslashes(w5);
                    seed = Mix(w0 ^ S1, w1 ^ seed);
                    see1 = Mix(w2 ^ S2, w3 ^ see1);
                    see2 = Mix(w4 ^ S3, w5 ^ see2);
                    offset += 48;
                    left -= 48;
                }
                while (left >= 48);
                seed ^= see1 ^ see2;
            }

            while (left > 16)
            {
                var w0 = Read8(ref p, offset);
                var w1 = Read8(ref p, offset + 8);
                found |= Backslashes(w0) | Backslashes(w1);
                seed = Mix(w0 ^ S1, w1 ^ seed);
                offset += 16;
                left -= 16;
            }

            // The last 16 bytes (overlapping what the loops read when fewer are left).
            a = Read8(ref p, offset + left - 16);
            b = Read8(ref p, offset + left - 8);
            found |= Backslashes(a) | Backslashes(b);
        }

        backslash = found != 0;
        var high = Math.BigMul(a ^ S1, b ^ seed, out var low);
        return Mix(low ^ S0 ^ (ulong)length, high ^ S1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong a, ulong b)
    {
        var high = Math.BigMul(a, b, out var low);
        return high ^ low;
    }

    /// <summary>Non-zero when the word holds a backslash byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Backslashes(ulong word)
    {
        // A byte of x is zero where the word has a backslash; (x - ones) & ~x & highs is non-zero exactly when x
        // has a zero byte.
        var x = word ^ 0x5C5C5C5C5C5C5C5C;
        return (x - 0x0101010101010101) & ~x & 0x8080808080808080;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Read4(ref byte p, int offset) => Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Read8(ref byte p, int offset) => Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, offset));

    private static ulong MakeSeed()
    {
        var seed = BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(8));
        return seed ^ Mix(seed ^ S0, S1);
    }
}

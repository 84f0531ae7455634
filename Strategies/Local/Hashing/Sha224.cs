using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Kuzzle.Realtime.Strategies.Local.Hashing;

/// <summary>
/// SHA-224 (FIPS 180-4: SHA-256 with other initial values, truncated to 28 bytes) with HMAC and PBKDF2, which .NET does
/// not provide. Only used to verify Kuzzle hashes made with <c>algorithm: sha224</c>; never for new hashes.
/// </summary>
internal sealed class Sha224
{
    public const int HashSize = 28;
    private const int BlockSize = 64;

    private static readonly uint[] Sha224Initial = [0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4];
    private static readonly uint[] Sha256Initial = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

    private static readonly uint[] K =
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    private readonly uint[] _state = new uint[8];
    private readonly byte[] _buffer = new byte[BlockSize];
    private readonly int _outputSize;
    private int _buffered;
    private long _length;

    private Sha224(uint[] initial, int outputSize)
    {
        initial.CopyTo(_state, 0);
        _outputSize = outputSize;
    }

    /// <summary>SHA-224 of <paramref name="data"/>.</summary>
    public static byte[] HashData(ReadOnlySpan<byte> data)
    {
        var hash = new Sha224(Sha224Initial, HashSize);
        hash.Append(data);
        return hash.Finish();
    }

    /// <summary>SHA-256 through the same code: lets tests check the compression function against .NET's SHA-256.</summary>
    internal static byte[] Sha256ForTests(ReadOnlySpan<byte> data)
    {
        var hash = new Sha224(Sha256Initial, 32);
        hash.Append(data);
        return hash.Finish();
    }

    /// <summary>HMAC-SHA-224 (RFC 2104).</summary>
    public static byte[] Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        var (inner, outer) = HmacStates(key);
        inner.Append(data);
        outer.Append(inner.Finish());
        return outer.Finish();
    }

    /// <summary>PBKDF2-HMAC-SHA-224 (RFC 8018).</summary>
    public static byte[] Pbkdf2(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int iterations, int length)
    {
        var (innerStart, outerStart) = HmacStates(password);
        var output = new byte[length];
        Span<byte> counter = stackalloc byte[4];
        var u = new byte[HashSize];
        var block = new byte[HashSize];
        // Two working states reset from the keyed starts: no allocation inside the 10 000-iteration loop.
        var inner = innerStart.Clone();
        var outer = outerStart.Clone();
        for (var (index, offset) = (1, 0); offset < length; index++, offset += HashSize)
        {
            BinaryPrimitives.WriteInt32BigEndian(counter, index);
            inner.Reset(innerStart);
            inner.Append(salt);
            inner.Append(counter);
            inner.FinishInto(u);
            outer.Reset(outerStart);
            outer.Append(u);
            outer.FinishInto(u);
            u.CopyTo(block, 0);
            for (var i = 1; i < iterations; i++)
            {
                inner.Reset(innerStart);
                inner.Append(u);
                inner.FinishInto(u);
                outer.Reset(outerStart);
                outer.Append(u);
                outer.FinishInto(u);
                for (var j = 0; j < HashSize; j++)
                {
                    block[j] ^= u[j];
                }
            }

            block.AsSpan(0, Math.Min(HashSize, length - offset)).CopyTo(output.AsSpan(offset));
        }

        CryptographicOperations.ZeroMemory(u);
        CryptographicOperations.ZeroMemory(block);
        return output;
    }

    private static (Sha224 Inner, Sha224 Outer) HmacStates(ReadOnlySpan<byte> key)
    {
        Span<byte> padded = stackalloc byte[BlockSize];
        padded.Clear();
        if (key.Length > BlockSize)
        {
            HashData(key).CopyTo(padded);
        }
        else
        {
            key.CopyTo(padded);
        }

        Span<byte> pad = stackalloc byte[BlockSize];
        var inner = new Sha224(Sha224Initial, HashSize);
        var outer = new Sha224(Sha224Initial, HashSize);
        for (var i = 0; i < BlockSize; i++)
        {
            pad[i] = (byte)(padded[i] ^ 0x36);
        }

        inner.Append(pad);
        for (var i = 0; i < BlockSize; i++)
        {
            pad[i] = (byte)(padded[i] ^ 0x5c);
        }

        outer.Append(pad);
        CryptographicOperations.ZeroMemory(padded);
        CryptographicOperations.ZeroMemory(pad);
        return (inner, outer);
    }

    private Sha224 Clone()
    {
        var copy = new Sha224(_state, _outputSize) { _buffered = _buffered, _length = _length };
        _buffer.CopyTo(copy._buffer, 0);
        return copy;
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        _length += data.Length;
        while (!data.IsEmpty)
        {
            var take = Math.Min(BlockSize - _buffered, data.Length);
            data[..take].CopyTo(_buffer.AsSpan(_buffered));
            _buffered += take;
            data = data[take..];
            if (_buffered == BlockSize)
            {
                Compress(_buffer);
                _buffered = 0;
            }
        }
    }

    private void Reset(Sha224 start)
    {
        start._state.CopyTo(_state, 0);
        start._buffer.CopyTo(_buffer, 0);
        _buffered = start._buffered;
        _length = start._length;
    }

    private byte[] Finish()
    {
        var output = new byte[_outputSize];
        FinishInto(output);
        return output;
    }

    private void FinishInto(Span<byte> output)
    {
        var bitLength = _length * 8;
        Span<byte> tail = stackalloc byte[BlockSize * 2];
        tail.Clear();
        tail[0] = 0x80;
        var padLength = (_buffered < 56 ? 56 : 120) - _buffered;
        BinaryPrimitives.WriteInt64BigEndian(tail[padLength..], bitLength);
        Append(tail[..(padLength + 8)]);
        for (var i = 0; i < _outputSize / 4; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(output[(i * 4)..], _state[i]);
        }
    }

    private void Compress(ReadOnlySpan<byte> block)
    {
        Span<uint> w = stackalloc uint[64];
        for (var i = 0; i < 16; i++)
        {
            w[i] = BinaryPrimitives.ReadUInt32BigEndian(block[(i * 4)..]);
        }

        for (var i = 16; i < 64; i++)
        {
            var s0 = BitOperations.RotateRight(w[i - 15], 7) ^ BitOperations.RotateRight(w[i - 15], 18) ^ (w[i - 15] >> 3);
            var s1 = BitOperations.RotateRight(w[i - 2], 17) ^ BitOperations.RotateRight(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }

        uint a = _state[0], b = _state[1], c = _state[2], d = _state[3], e = _state[4], f = _state[5], g = _state[6], h = _state[7];
        for (var i = 0; i < 64; i++)
        {
            var s1 = BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25);
            var choice = (e & f) ^ (~e & g);
            var t1 = h + s1 + choice + K[i] + w[i];
            var s0 = BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22);
            var majority = (a & b) ^ (a & c) ^ (b & c);
            var t2 = s0 + majority;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }

        _state[0] += a;
        _state[1] += b;
        _state[2] += c;
        _state[3] += d;
        _state[4] += e;
        _state[5] += f;
        _state[6] += g;
        _state[7] += h;
    }
}

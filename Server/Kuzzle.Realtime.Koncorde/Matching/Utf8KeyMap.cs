using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Kuzzle.Realtime.Koncorde.Matching;

/// <summary>
/// String-keyed hash map looked up by UTF-8 bytes, so document names and values read from the raw JSON are
/// found without decoding or allocating. The hash is seeded per process (keys come from clients).
/// </summary>
internal sealed class Utf8KeyMap<T>
    where T : class
{
    private static readonly ulong Seed = BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(8));
    private int[] _buckets = new int[8];
    private Entry[] _entries = new Entry[8];
    private int _count;
    private int _freeList = -1;
    private int _freeCount;

    public int Count => _count - _freeCount;

    public IEnumerable<T> Values
    {
        get
        {
            for (var i = 0; i < _count; i++)
            {
                if (_entries[i].Key is not null)
                {
                    yield return _entries[i].Value!;
                }
            }
        }
    }

    public T? Get(ReadOnlySpan<byte> key) => Find(key, Hash(key, out _));

    /// <summary>
    /// Looks up the raw content of a JSON string. When it holds an escape (a backslash) nothing is looked up and
    /// <paramref name="escaped"/> is set: the caller looks up the decoded value instead.
    /// </summary>
    public T? GetUnescaped(ReadOnlySpan<byte> content, out bool escaped)
    {
        var hash = Hash(content, out escaped);
        return escaped ? null : Find(content, hash);
    }

    private T? Find(ReadOnlySpan<byte> key, ulong hash)
    {
        var entries = _entries;
        for (var i = _buckets[(int)(hash & (uint)(_buckets.Length - 1))] - 1; i >= 0; i = entries[i].Next)
        {
            ref readonly var entry = ref entries[i];
            if (entry.Hash == hash && key.SequenceEqual(entry.Key))
            {
                return entry.Value;
            }
        }

        return null;
    }

    public T? Get(string key)
    {
        var max = Encoding.UTF8.GetMaxByteCount(key.Length);
        if (max <= 256)
        {
            Span<byte> buffer = stackalloc byte[max];
            return Get(buffer[..Encoding.UTF8.GetBytes(key, buffer)]);
        }

        return Get(Encoding.UTF8.GetBytes(key));
    }

    /// <summary>Adds or replaces.</summary>
    public void Set(string key, T value)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        var hash = Hash(bytes, out _);
        for (var i = _buckets[(int)(hash & (uint)(_buckets.Length - 1))] - 1; i >= 0; i = _entries[i].Next)
        {
            if (_entries[i].Hash == hash && bytes.AsSpan().SequenceEqual(_entries[i].Key))
            {
                _entries[i].Value = value;
                return;
            }
        }

        int index;
        if (_freeCount > 0)
        {
            index = _freeList;
            _freeList = _entries[index].Next;
            _freeCount--;
        }
        else
        {
            if (_count == _entries.Length)
            {
                Grow();
            }

            index = _count++;
        }

        ref var bucket = ref _buckets[(int)(hash & (uint)(_buckets.Length - 1))];
        _entries[index] = new Entry { Key = bytes, Hash = hash, Value = value, Next = bucket - 1 };
        bucket = index + 1;
    }

    public bool Remove(string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        var hash = Hash(bytes, out _);
        ref var bucket = ref _buckets[(int)(hash & (uint)(_buckets.Length - 1))];
        var previous = -1;
        for (var i = bucket - 1; i >= 0; previous = i, i = _entries[i].Next)
        {
            if (_entries[i].Hash == hash && bytes.AsSpan().SequenceEqual(_entries[i].Key))
            {
                if (previous < 0)
                {
                    bucket = _entries[i].Next + 1;
                }
                else
                {
                    _entries[previous].Next = _entries[i].Next;
                }

                _entries[i] = new Entry { Next = _freeList };
                _freeList = i;
                _freeCount++;
                return true;
            }
        }

        return false;
    }

    private void Grow()
    {
        var size = _entries.Length * 2;
        Array.Resize(ref _entries, size);
        _buckets = new int[size];
        for (var i = 0; i < _count; i++)
        {
            if (_entries[i].Key is null)
            {
                continue;
            }

            ref var bucket = ref _buckets[(int)(_entries[i].Hash & (uint)(size - 1))];
            _entries[i].Next = bucket - 1;
            bucket = i + 1;
        }
    }

    /// <summary>Seeded hash of the bytes; also tells, in the same pass, whether they hold a backslash.</summary>
    private static ulong Hash(ReadOnlySpan<byte> key, out bool backslash)
    {
        const ulong K1 = 0x9E3779B97F4A7C15;
        const ulong K2 = 0xC2B2AE3D27D4EB4F;
        const ulong Ones = 0x0101010101010101;
        const ulong Highs = 0x8080808080808080;
        const ulong Backslashes = 0x5C5C5C5C5C5C5C5C;
        var h = Seed ^ ((ulong)key.Length * K1);

        // A byte of word ^ Backslashes is zero where the word has a backslash; (x - Ones) & ~x & Highs is not zero
        // exactly when x has a zero byte.
        ulong found = 0;
        while (key.Length >= 8)
        {
            var word = BinaryPrimitives.ReadUInt64LittleEndian(key);
            var x = word ^ Backslashes;
            found |= (x - Ones) & ~x & Highs;
            h = BitOperations.RotateLeft(h ^ (word * K2), 29) * K1;
            key = key[8..];
        }

        if (key.Length > 0)
        {
            // The last 1 to 7 bytes, read as at most three loads (the length is mixed in above).
            ulong tail = key.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(key) | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(key[^4..]) << 32)
                : key.Length >= 2 ? BinaryPrimitives.ReadUInt16LittleEndian(key) | ((ulong)key[^1] << 16)
                : key[0];

            // Padding bytes of a short tail are zero, not backslashes.
            var x = tail ^ Backslashes;
            found |= (x - Ones) & ~x & Highs;
            h = BitOperations.RotateLeft(h ^ (tail * K2), 29) * K1;
        }

        backslash = found != 0;

        h ^= h >> 32;
        h *= K2;
        return h ^ (h >> 29);
    }

    private struct Entry
    {
        public byte[]? Key;
        public ulong Hash;
        public T? Value;
        public int Next;
    }
}

using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Kuzzle.Realtime.Koncorde.Matching;

/// <summary>
/// String-keyed hash map looked up by UTF-8 bytes, so document names and values read from the raw JSON are
/// found without decoding or allocating. The hash is seeded per process (keys come from clients).
/// One writer at a time (the caller serialises them); lookups may run concurrently with it, without any lock.
/// </summary>
/// <remarks>
/// WARNING: lock-free reads rely on three rules. An entry slot is written in full before a bucket links to it,
/// and is never reused while its table is current: a removal only clears the value (a tombstone), so a chain a
/// reader is following never changes under it except for values and new heads. Growing or compacting builds a
/// new table and publishes it with one volatile write; readers still on the old one see a consistent snapshot.
/// </remarks>
internal sealed class Utf8KeyMap<T>
    where T : class
{
    private volatile Table _table = new(8);
    private int _tombstones;

    public int Count { get; private set; }

    /// <summary>Live values (writer side).</summary>
    public IEnumerable<T> Values
    {
        get
        {
            var table = _table;
            for (var i = 0; i < table.Used; i++)
            {
                if (table.Entries[i].Value is { } value)
                {
                    yield return value;
                }
            }
        }
    }

    public T? Get(ReadOnlySpan<byte> key) => Find(_table, key, Hash(key, out _));

    /// <summary>
    /// Looks up the raw content of a JSON string. When it holds an escape (a backslash) nothing is looked up and
    /// <paramref name="escaped"/> is set: the caller looks up the decoded value instead.
    /// </summary>
    public T? GetUnescaped(ReadOnlySpan<byte> content, out bool escaped)
    {
        var hash = Hash(content, out escaped);
        return escaped ? null : Find(_table, content, hash);
    }

    private static T? Find(Table table, ReadOnlySpan<byte> key, ulong hash)
    {
        var entries = table.Entries;
        for (var i = Volatile.Read(ref table.Buckets[(int)(hash & (uint)(table.Buckets.Length - 1))]) - 1; i >= 0; i = entries[i].Next)
        {
            ref readonly var entry = ref entries[i];
            if (entry.Hash == hash && key.SequenceEqual(entry.Key))
            {
                // Null for a removed key (tombstone): a key has one entry per table, so the search ends here.
                return Volatile.Read(ref entries[i].Value);
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

    /// <summary>Adds or replaces (writer side).</summary>
    public void Set(string key, T value) => Set(Encoding.UTF8.GetBytes(key), value);

    /// <summary>Adds or replaces (writer side); the map keeps <paramref name="key"/>.</summary>
    public void Set(byte[] key, T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var hash = Hash(key, out _);
        var table = _table;
        var at = IndexOf(table, key, hash);
        if (at >= 0)
        {
            ref var existing = ref table.Entries[at].Value;
            if (existing is null)
            {
                _tombstones--;
                Count++;
            }

            Volatile.Write(ref existing, value);
            return;
        }

        if (table.Used == table.Entries.Length)
        {
            table = Rebuild(Count + 1);
        }

        var index = table.Used++;
        ref var bucket = ref table.Buckets[(int)(hash & (uint)(table.Buckets.Length - 1))];
        table.Entries[index] = new Entry { Key = key, Hash = hash, Value = value, Next = bucket - 1 };

        // Publishes the entry written above (release).
        Volatile.Write(ref bucket, index + 1);
        Count++;
    }

    /// <summary>Removes a key (writer side).</summary>
    public bool Remove(string key) => Remove(Encoding.UTF8.GetBytes(key));

    /// <summary>Removes a key (writer side).</summary>
    public bool Remove(ReadOnlySpan<byte> key)
    {
        var table = _table;
        var at = IndexOf(table, key, Hash(key, out _));
        if (at < 0 || table.Entries[at].Value is null)
        {
            return false;
        }

        Volatile.Write(ref table.Entries[at].Value, null);
        Count--;
        if (++_tombstones > 8 && _tombstones > Count)
        {
            Rebuild(Count);
        }

        return true;
    }

    private static int IndexOf(Table table, ReadOnlySpan<byte> key, ulong hash)
    {
        var entries = table.Entries;
        for (var i = table.Buckets[(int)(hash & (uint)(table.Buckets.Length - 1))] - 1; i >= 0; i = entries[i].Next)
        {
            if (entries[i].Hash == hash && key.SequenceEqual(entries[i].Key))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Copies the live entries into a new table with room for <paramref name="needed"/> and publishes it.</summary>
    private Table Rebuild(int needed)
    {
        var size = 8;
        while (size < needed * 2)
        {
            size *= 2;
        }

        var old = _table;
        var table = new Table(size);
        for (var i = 0; i < old.Used; i++)
        {
            ref readonly var entry = ref old.Entries[i];
            if (entry.Value is null)
            {
                continue;
            }

            var index = table.Used++;
            ref var bucket = ref table.Buckets[(int)(entry.Hash & (uint)(size - 1))];
            table.Entries[index] = new Entry { Key = entry.Key, Hash = entry.Hash, Value = entry.Value, Next = bucket - 1 };
            bucket = index + 1;
        }

        _tombstones = 0;
        _table = table;
        return table;
    }

    /// <summary>Seeded hash of the bytes; also tells, in the same pass, whether they hold a backslash.</summary>
    private static ulong Hash(ReadOnlySpan<byte> key, out bool backslash)
    {
        const ulong K1 = 0x9E3779B97F4A7C15;
        const ulong K2 = 0xC2B2AE3D27D4EB4F;
        const ulong Ones = 0x0101010101010101;
        const ulong Highs = 0x8080808080808080;
        const ulong Backslashes = 0x5C5C5C5C5C5C5C5C;
        var h = HashSeed.Value ^ ((ulong)key.Length * K1);

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

    /// <summary>Buckets (entry index + 1, 0 = empty) and entries; slots are appended, never reused.</summary>
    private sealed class Table(int size)
    {
        public readonly int[] Buckets = new int[size];
        public readonly Entry[] Entries = new Entry[size];
        public int Used;
    }
}

/// <summary>The per-process hash seed, outside the generic map so that reading it needs no generic lookup.</summary>
internal static class HashSeed
{
    public static readonly ulong Value = BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(8));
}

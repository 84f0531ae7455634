using System.Runtime.CompilerServices;
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

    public T? Get(ReadOnlySpan<byte> key) => Find(_table, key, Utf8Hash.Compute(key, out _));

    /// <summary>Looks up a key whose <see cref="Utf8Hash.Compute"/> hash the caller already has.</summary>
    public T? Get(ReadOnlySpan<byte> key, ulong hash) => Find(_table, key, hash);

    /// <summary>
    /// Looks up the raw content of a JSON string. When it holds an escape (a backslash) nothing is looked up and
    /// <paramref name="escaped"/> is set: the caller looks up the decoded value instead.
    /// </summary>
    public T? GetUnescaped(ReadOnlySpan<byte> content, out bool escaped)
    {
        var hash = Utf8Hash.Compute(content, out escaped);
        return escaped ? null : Find(_table, content, hash);
    }

    /// <summary>The current table, to look keys up without going through the map (see <see cref="Snapshot"/>).</summary>
    public Snapshot Current
    {
        get
        {
            var table = _table;
            return new Snapshot(table.Buckets, table.Entries);
        }
    }

    private static T? Find(Table table, ReadOnlySpan<byte> key, ulong hash) => Find(table.Buckets, table.Entries, key, hash);

    // Inlined: called from a snapshot (a struct of a generic type), an out-of-line call would go through the
    // shared generic code's runtime lookup.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T? Find(int[] buckets, Entry[] entries, ReadOnlySpan<byte> key, ulong hash)
    {
        for (var i = Volatile.Read(ref buckets[(int)(hash & (uint)(buckets.Length - 1))]) - 1; i >= 0; i = entries[i].Next)
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
        var hash = Utf8Hash.Compute(key, out _);
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
        var at = IndexOf(table, key, Utf8Hash.Compute(key, out _));
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

    /// <summary>
    /// One table of the map, read directly: two dependent loads fewer per lookup than through the map.
    /// </summary>
    /// <remarks>
    /// WARNING: the map replaces its table when Set grows it or Remove compacts it. A holder must take a new
    /// snapshot after every writer call, or it misses the keys added since (removals stay visible: a removal clears
    /// the entry in the table current at that moment, and a compaction happens after that).
    /// </remarks>
    public readonly struct Snapshot
    {
        private readonly int[] _buckets;
        private readonly Entry[] _entries;

        internal Snapshot(int[] buckets, Entry[] entries)
        {
            _buckets = buckets;
            _entries = entries;
        }

        /// <summary>Looks up a key whose <see cref="Utf8Hash.Compute"/> hash the caller already has.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T? Get(ReadOnlySpan<byte> key, ulong hash) => Find(_buckets, _entries, key, hash);
    }

    internal struct Entry
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

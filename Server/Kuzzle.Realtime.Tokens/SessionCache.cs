using System.Collections.Concurrent;

namespace Kuzzle.Realtime.Tokens;

/// <summary>
/// Checked tokens kept in process, so an authenticated request costs a hash and a lookup instead of a signature check and a
/// store read. Bounded: when full it is emptied (entries are cheap to rebuild, and a bound matters more than a perfect policy).
/// </summary>
internal sealed class SessionCache(int capacity, long maxAgeMs)
{
    private readonly ConcurrentDictionary<TokenHash, Entry> _entries = new();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>The cached token, when it was checked less than the maximum age ago and has not expired.</summary>
    public AuthToken? Get(TokenHash hash, long nowMs)
    {
        if (!_entries.TryGetValue(hash, out var entry))
        {
            return null;
        }

        if (nowMs < entry.ValidUntil)
        {
            return entry.Token;
        }

        Remove(hash);
        return null;
    }

    public void Add(AuthToken token, long nowMs)
    {
        if (capacity == 0 || maxAgeMs == 0)
        {
            return;
        }

        var validUntil = nowMs + maxAgeMs;
        if (token.ExpiresAt != -1 && token.ExpiresAt < validUntil)
        {
            validUntil = token.ExpiresAt;
        }

        if (Volatile.Read(ref _count) >= capacity)
        {
            Clear();
        }

        if (_entries.TryAdd(token.Hash, new Entry(token, validUntil)))
        {
            Interlocked.Increment(ref _count);
        }
        else
        {
            _entries[token.Hash] = new Entry(token, validUntil);
        }
    }

    public void Remove(TokenHash hash)
    {
        if (_entries.TryRemove(hash, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    public void Clear()
    {
        foreach (var key in _entries.Keys)
        {
            Remove(key);
        }
    }

    private sealed record Entry(AuthToken Token, long ValidUntil);
}

using System.Collections.Concurrent;

namespace Kuzzle.Realtime.Tokens;

/// <summary>
/// Checked tokens kept in process, so an authenticated request costs one dictionary lookup by token string (no SHA-256, no
/// signature check, no store read). Revocations name tokens by hash, hence the second index. Bounded: when full it is emptied
/// (entries are cheap to rebuild, and a bound matters more than a perfect eviction policy).
/// </summary>
internal sealed class SessionCache(int capacity, long maxAgeMs)
{
    private readonly ConcurrentDictionary<string, Entry> _byToken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<TokenHash, string> _byHash = new();

    public int Count => _byHash.Count;

    /// <summary>The cached token, when it was checked less than the maximum age ago and has not expired.</summary>
    public AuthToken? Get(string token, long nowMs)
    {
        if (!_byToken.TryGetValue(token, out var entry))
        {
            return null;
        }

        if (nowMs < entry.ValidUntil)
        {
            return entry.Token;
        }

        Remove(entry.Token.Hash);
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

        if (_byHash.Count >= capacity)
        {
            Clear();
        }

        // Hash first: a concurrent Remove that sees the hash also finds the token entry, so a revoked token cannot stay behind.
        _byHash[token.Hash] = token.Token;
        _byToken[token.Token] = new Entry(token, validUntil);
    }

    public void Remove(TokenHash hash)
    {
        if (_byHash.TryRemove(hash, out var token))
        {
            _byToken.TryRemove(token, out _);
        }
    }

    public void Clear()
    {
        foreach (var hash in _byHash.Keys)
        {
            Remove(hash);
        }
    }

    private sealed record Entry(AuthToken Token, long ValidUntil);
}

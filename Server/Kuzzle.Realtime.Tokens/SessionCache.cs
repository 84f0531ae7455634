using System.Collections.Concurrent;

namespace Kuzzle.Realtime.Tokens;

/// <summary>
/// Checked tokens kept in process, so an authenticated request costs one dictionary lookup by token string (no SHA-256, no
/// signature check, no store read). Revocations name tokens by hash, hence the second index. Bounded: when full it is emptied
/// (entries are cheap to rebuild, and a bound matters more than a perfect eviction policy).
/// </summary>
/// <remarks>
/// An entry past its maximum age is kept for <c>outageGraceMs</c> more, and only <see cref="GetDuringOutage"/> returns it: while the
/// store is unreachable, already-authenticated clients keep working on what was last checked (bounded in time and by the capacity).
/// </remarks>
internal sealed class SessionCache(int capacity, long maxAgeMs, long outageGraceMs = 0)
{
    private readonly ConcurrentDictionary<string, Entry> _byToken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<TokenHash, string> _byHash = new();

    private long _generation;

    public int Count => _byHash.Count;

    /// <summary>
    /// Changes with every removal: a check that read the store under one generation and finishes under another may have read a
    /// session revoked meanwhile, so its result is not kept (<see cref="Add"/>).
    /// </summary>
    public long Generation => Interlocked.Read(ref _generation);

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

        if (nowMs >= entry.ValidUntil + outageGraceMs)
        {
            Remove(entry.Token.Hash);
        }

        return null;
    }

    /// <summary>
    /// The cached token even past its maximum age, within the outage grace and before the token's own expiry; for use only when the
    /// store cannot be read. Revocations made elsewhere during the outage are not seen: that is the price of the grace.
    /// </summary>
    public AuthToken? GetDuringOutage(string token, long nowMs)
    {
        if (!_byToken.TryGetValue(token, out var entry))
        {
            return null;
        }

        var expired = entry.Token.ExpiresAt != -1 && nowMs >= entry.Token.ExpiresAt;
        return !expired && nowMs < entry.ValidUntil + outageGraceMs ? entry.Token : null;
    }

    /// <param name="token">A token just checked against the store.</param>
    /// <param name="nowMs">Now.</param>
    /// <param name="readGeneration"><see cref="Generation"/> read before the store was; null when nothing was read.</param>
    public void Add(AuthToken token, long nowMs, long? readGeneration = null)
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

        // WARNING: checked after adding. A removal counted before this read is undone here; one counted after it removes the
        // entry itself. Either way a session revoked during the check does not stay cached.
        if (readGeneration is { } generation && Generation != generation)
        {
            _byHash.TryRemove(token.Hash, out _);
            _byToken.TryRemove(token.Token, out _);
        }
    }

    public void Remove(TokenHash hash)
    {
        Interlocked.Increment(ref _generation);
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

namespace Kuzzle.Realtime.Storage;

/// <summary>An auth token's session.</summary>
/// <param name="TokenId">The unique key of the session (e.g. the token string).</param>
/// <param name="UserId">The kuid owning the token.</param>
/// <param name="ExpiresAt">When the session stops existing (kept to the millisecond, read back in UTC); null for infinite tokens.</param>
/// <param name="Json">The token object as JSON (opaque to the store).</param>
public sealed record SessionRecord(string TokenId, string UserId, DateTimeOffset? ExpiresAt, string Json);

/// <summary>Auth sessions with expiry. An expired session is never returned, to the millisecond.</summary>
public interface ISessionStore
{
    /// <summary>Adds a session, replacing any session with the same token id. A session already expired is not kept.</summary>
    Task AddAsync(SessionRecord session, CancellationToken cancellationToken = default);

    /// <summary>Reads a live session; null when missing or expired.</summary>
    Task<SessionRecord?> GetAsync(string tokenId, CancellationToken cancellationToken = default);

    /// <summary>Removes a session; false when there was no live session.</summary>
    Task<bool> RemoveAsync(string tokenId, CancellationToken cancellationToken = default);

    /// <summary>Lists the live sessions of a user, ordered by token id.</summary>
    Task<IReadOnlyList<SessionRecord>> ListByUserAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Removes every session of a user and returns the token ids removed, ordered.</summary>
    Task<IReadOnlyList<string>> RemoveByUserAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the expiry of a live session (e.g. the refresh grace period); a time already past ends it. False when there is no live session.
    /// </summary>
    Task<bool> SetExpiryAsync(string tokenId, DateTimeOffset newExpiry, CancellationToken cancellationToken = default);
}

using Microsoft.Data.Sqlite;

namespace Kuzzle.Realtime.Storage.Embedded;

/// <summary><see cref="ISessionStore"/> over the sessions table; expiry is checked on every read and purged in the background.</summary>
internal sealed class SqliteSessionStore(SqliteDatabase database, TimeProvider time) : ISessionStore
{
    // WARNING: a row is live only while expires_at is NULL or later than now (epoch milliseconds); every query repeats this.
    private const string Live = "(expires_at IS NULL OR expires_at > $now)";

    public Task AddAsync(SessionRecord session, CancellationToken cancellationToken = default)
    {
        SessionChecks.Validate(session);
        var now = Now();
        var expiresAt = session.ExpiresAt?.ToUnixTimeMilliseconds();
        return database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                if (expiresAt <= now)
                {
                    // Already expired: the add still replaces whatever the token id held, but leaves nothing behind.
                    await using var delete = SqliteDatabase.Command(connection, transaction, "DELETE FROM sessions WHERE token_id = $token;");
                    delete.Parameters.AddWithValue("$token", session.TokenId);
                    return await delete.ExecuteNonQueryAsync(ct);
                }

                await using var upsert = SqliteDatabase.Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO sessions (token_id, user_id, expires_at, json) VALUES ($token, $user, $expires, $json)
                    ON CONFLICT (token_id) DO UPDATE SET user_id = excluded.user_id, expires_at = excluded.expires_at, json = excluded.json;
                    """);
                upsert.Parameters.AddWithValue("$token", session.TokenId);
                upsert.Parameters.AddWithValue("$user", session.UserId);
                upsert.Parameters.AddWithValue("$expires", (object?)expiresAt ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$json", session.Json);
                return await upsert.ExecuteNonQueryAsync(ct);
            },
            cancellationToken);
    }

    public Task<SessionRecord?> GetAsync(string tokenId, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateId(tokenId, nameof(tokenId));
        var now = Now();
        return database.ReadAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = SqliteDatabase.Command(
                    connection, transaction, $"SELECT token_id, user_id, expires_at, json FROM sessions WHERE token_id = $token AND {Live};");
                command.Parameters.AddWithValue("$token", tokenId);
                command.Parameters.AddWithValue("$now", now);
                var sessions = await ReadSessionsAsync(command, ct);
                return sessions.Count == 0 ? null : sessions[0];
            },
            cancellationToken);
    }

    public Task<bool> RemoveAsync(string tokenId, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateId(tokenId, nameof(tokenId));
        var now = Now();
        return database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                // Expired rows go too, but only a live one counts as removed.
                await using var command = SqliteDatabase.Command(
                    connection, transaction, "DELETE FROM sessions WHERE token_id = $token RETURNING token_id, user_id, expires_at, json;");
                command.Parameters.AddWithValue("$token", tokenId);
                var removed = await ReadSessionsAsync(command, ct);
                return removed.Any(s => IsLive(s, now));
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<SessionRecord>> ListByUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateId(userId, nameof(userId));
        var now = Now();
        return database.ReadAsync<IReadOnlyList<SessionRecord>>(
            async (connection, transaction, ct) =>
            {
                await using var command = SqliteDatabase.Command(
                    connection,
                    transaction,
                    $"SELECT token_id, user_id, expires_at, json FROM sessions WHERE user_id = $user AND {Live} ORDER BY token_id;");
                command.Parameters.AddWithValue("$user", userId);
                command.Parameters.AddWithValue("$now", now);
                return await ReadSessionsAsync(command, ct);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<string>> RemoveByUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateId(userId, nameof(userId));
        var now = Now();
        return database.WriteAsync<IReadOnlyList<string>>(
            async (connection, transaction, ct) =>
            {
                await using var command = SqliteDatabase.Command(
                    connection, transaction, "DELETE FROM sessions WHERE user_id = $user RETURNING token_id, user_id, expires_at, json;");
                command.Parameters.AddWithValue("$user", userId);
                var removed = await ReadSessionsAsync(command, ct);
                return [.. removed.Where(s => IsLive(s, now)).Select(s => s.TokenId).Order(StringComparer.Ordinal)];
            },
            cancellationToken);
    }

    public Task<bool> SetExpiryAsync(string tokenId, DateTimeOffset newExpiry, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateId(tokenId, nameof(tokenId));
        var now = Now();
        var expiresAt = newExpiry.ToUnixTimeMilliseconds();
        return database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = SqliteDatabase.Command(
                    connection,
                    transaction,
                    expiresAt <= now
                        ? $"DELETE FROM sessions WHERE token_id = $token AND {Live};"
                        : $"UPDATE sessions SET expires_at = $expires WHERE token_id = $token AND {Live};");
                command.Parameters.AddWithValue("$token", tokenId);
                command.Parameters.AddWithValue("$now", now);
                command.Parameters.AddWithValue("$expires", expiresAt);
                return await command.ExecuteNonQueryAsync(ct) > 0;
            },
            cancellationToken);
    }

    /// <summary>Deletes expired rows; reads ignore them anyway, this only reclaims space.</summary>
    public Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var now = Now();
        return database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = SqliteDatabase.Command(
                    connection, transaction, "DELETE FROM sessions WHERE expires_at IS NOT NULL AND expires_at <= $now;");
                command.Parameters.AddWithValue("$now", now);
                return await command.ExecuteNonQueryAsync(ct);
            },
            cancellationToken);
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static bool IsLive(SessionRecord session, long now) => session.ExpiresAt is not { } expiry || expiry.ToUnixTimeMilliseconds() > now;

    private static async Task<List<SessionRecord>> ReadSessionsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var sessions = new List<SessionRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            DateTimeOffset? expiresAt = reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2));
            sessions.Add(new SessionRecord(reader.GetString(0), reader.GetString(1), expiresAt, reader.GetString(3)));
        }

        return sessions;
    }
}

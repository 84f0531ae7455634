namespace Kuzzle.Realtime.Storage.Embedded;

/// <summary><see cref="ICounterStore"/> over the counters table: one upsert per hit, so a count is never lost between nodes' threads.</summary>
internal sealed class SqliteCounterStore(SqliteDatabase database, TimeProvider time) : ICounterStore
{
    public Task<long> IncrementAsync(string key, TimeSpan window, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateId(key, nameof(key));
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromMilliseconds(1));
        var now = Now();
        return database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                // WARNING: a window is fixed at its first hit: later hits in the window keep window_ends, and the first hit
                // after it ends starts a new window at 1.
                await using var command = SqliteDatabase.Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO counters (key, count, window_ends) VALUES ($key, 1, $ends)
                    ON CONFLICT (key) DO UPDATE SET
                        count = CASE WHEN window_ends <= $now THEN 1 ELSE count + 1 END,
                        window_ends = CASE WHEN window_ends <= $now THEN $ends ELSE window_ends END
                    RETURNING count;
                    """);
                command.Parameters.AddWithValue("$key", key);
                command.Parameters.AddWithValue("$now", now);
                command.Parameters.AddWithValue("$ends", now + (long)Math.Ceiling(window.TotalMilliseconds));
                return (long)(await command.ExecuteScalarAsync(ct))!;
            },
            cancellationToken);
    }

    public Task<long> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateId(key, nameof(key));
        var now = Now();
        return database.ReadAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = SqliteDatabase.Command(
                    connection, transaction, "SELECT count FROM counters WHERE key = $key AND window_ends > $now;");
                command.Parameters.AddWithValue("$key", key);
                command.Parameters.AddWithValue("$now", now);
                return await command.ExecuteScalarAsync(ct) is long count ? count : 0;
            },
            cancellationToken);
    }

    public Task ResetAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateId(key, nameof(key));
        return database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = SqliteDatabase.Command(connection, transaction, "DELETE FROM counters WHERE key = $key;");
                command.Parameters.AddWithValue("$key", key);
                return await command.ExecuteNonQueryAsync(ct);
            },
            cancellationToken);
    }

    /// <summary>Deletes closed windows; reads ignore them anyway, this only reclaims space.</summary>
    public Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var now = Now();
        return database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = SqliteDatabase.Command(connection, transaction, "DELETE FROM counters WHERE window_ends <= $now;");
                command.Parameters.AddWithValue("$now", now);
                return await command.ExecuteNonQueryAsync(ct);
            },
            cancellationToken);
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}

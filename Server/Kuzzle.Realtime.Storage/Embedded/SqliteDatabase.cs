using Microsoft.Data.Sqlite;

namespace Kuzzle.Realtime.Storage.Embedded;

/// <summary>The SQLite file: one long-lived writer connection behind a lock, pooled reader connections, error mapping.</summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    // SQLite result codes that mean "the file cannot serve us right now" rather than "the request is wrong".
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteReadOnly = 8;
    private const int SqliteIoError = 10;
    private const int SqliteCorrupt = 11;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;
    private const int SqliteNotADatabase = 26;

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;

    // WARNING: every write goes through _writer under _writeLock. SQLite allows one writer at a time anyway; serialising
    // here avoids SQLITE_BUSY retries and read-to-write upgrade deadlocks between our own connections.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private volatile bool _disposed;

    private SqliteDatabase(string connectionString, SqliteConnection writer)
    {
        _connectionString = connectionString;
        _writer = writer;
    }

    public static async Task<SqliteDatabase> OpenAsync(string path, EmbeddedSynchronous synchronous, CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();

        var writer = new SqliteConnection(connectionString);
        try
        {
            await writer.OpenAsync(cancellationToken);
            var journalMode = (string?)await ExecuteScalarAsync(writer, "PRAGMA journal_mode = WAL;", cancellationToken);
            if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new StorageUnavailableException($"The database file refused WAL mode (got '{journalMode}').");
            }

            // Pragma values cannot be parameters; both texts are constants chosen here.
            var synchronousPragma = synchronous == EmbeddedSynchronous.Full ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;";
            await ExecuteScalarAsync(writer, synchronousPragma, cancellationToken);
            await SqliteSchema.MigrateAsync(writer, cancellationToken);
            return new SqliteDatabase(connectionString, writer);
        }
        catch (SqliteException e) when (IsUnavailable(e))
        {
            await writer.DisposeAsync();
            throw new StorageUnavailableException("The embedded database cannot be opened.", e);
        }
        catch
        {
            await writer.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <paramref name="read"/> on a pooled connection inside one read transaction (one consistent snapshot).</summary>
    public async Task<T> ReadAsync<T>(Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);

            // Deferred: a reader must not take the write lock (the default BEGIN IMMEDIATE would). Starting one does no I/O.
            await using var transaction = connection.BeginTransaction(deferred: true);
            return await read(connection, transaction, cancellationToken);
        }
        catch (SqliteException e) when (IsUnavailable(e))
        {
            throw new StorageUnavailableException("The embedded database cannot be read.", e);
        }
    }

    /// <summary>Runs <paramref name="write"/> in one transaction; returns only after the commit (rolls back when it throws).</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await using var transaction = _writer.BeginTransaction(deferred: false);
            var result = await write(_writer, transaction, cancellationToken);

            // WARNING: the write is acknowledged only once this commit has returned. Past this point cancellation is ignored,
            // so a caller never sees "cancelled" for a write that was in fact committed.
            await transaction.CommitAsync(CancellationToken.None);
            return result;
        }
        catch (SqliteException e) when (IsUnavailable(e))
        {
            throw new StorageUnavailableException("The embedded database cannot be written.", e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await _writer.DisposeAsync();

            // Pooled readers keep the file open; release them so the directory can be reopened or deleted.
            SqliteConnection.ClearAllPools();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static async Task<object?> ExecuteScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static bool IsUnavailable(SqliteException e) => (e.SqliteErrorCode & 0xFF) is
        SqliteBusy or SqliteLocked or SqliteReadOnly or SqliteIoError or SqliteCorrupt or SqliteFull or SqliteCantOpen or SqliteNotADatabase;
}

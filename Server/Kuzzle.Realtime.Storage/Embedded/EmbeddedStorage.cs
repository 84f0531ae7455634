using System.Diagnostics;
using Kuzzle.Realtime.Storage.Embedded;

namespace Kuzzle.Realtime.Storage;

/// <summary>
/// The embedded single-node store: one SQLite file (WAL) under a data directory for documents and sessions, with throttling
/// counters and the change feed kept in process.
/// Open it with <see cref="OpenAsync"/>; the directory is locked against a second opener until disposal.
/// </summary>
public sealed class EmbeddedStorage : IStorageProvider
{
    private const string LockFileName = "kuzzle.lock";

    private readonly SqliteDatabase _database;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly FileStream _directoryLock;
    private readonly SqliteSessionStore _sessions;
    private readonly InMemoryCounterStore _counters;
    private readonly InProcessChangeFeed _changeFeed;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _purgeLoop;
    private int _disposed;

    private EmbeddedStorage(SqliteDatabase database, FileStream directoryLock, EmbeddedStorageOptions options)
    {
        _database = database;
        _directoryLock = directoryLock;
        Documents = new SqliteDocumentStore(database);
        _sessions = new SqliteSessionStore(database, options.TimeProvider);
        _counters = new InMemoryCounterStore(options.TimeProvider);
        _changeFeed = new InProcessChangeFeed(options.ChangeFeedCapacity, options.OnChangeFeedHandlerError);
        _purgeLoop = PurgeLoopAsync(options.PurgeInterval, options.TimeProvider);
    }

    /// <inheritdoc />
    public string Name => "embedded";

    /// <inheritdoc />
    public IDocumentStore Documents { get; }

    /// <inheritdoc />
    public ISessionStore Sessions => _sessions;

    /// <inheritdoc />
    public ICounterStore Counters => _counters;

    /// <inheritdoc />
    public IChangeFeed ChangeFeed => _changeFeed;

    /// <summary>
    /// Opens (creating when needed) the store in <paramref name="dataDirectory"/> and brings its schema up to date.
    /// </summary>
    /// <exception cref="IOException">Another store instance holds the directory.</exception>
    /// <exception cref="StorageUnavailableException">The database file cannot be opened.</exception>
    public static async Task<EmbeddedStorage> OpenAsync(
        string dataDirectory, EmbeddedStorageOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        options ??= EmbeddedStorageOptions.Default;
        ArgumentException.ThrowIfNullOrEmpty(options.FileName, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ChangeFeedCapacity, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.PurgeInterval, TimeSpan.Zero, nameof(options));
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options));

        // The store holds password hashes, the reset secret and the generated JWT secret: owner-only (0700 / 0600).
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(dataDirectory);
        }
        else
        {
            Directory.CreateDirectory(dataDirectory, OwnerOnlyDirectory);
        }

        var directoryLock = LockDirectory(dataDirectory);
        try
        {
            var file = Path.Combine(dataDirectory, options.FileName);
            if (!OperatingSystem.IsWindows())
            {
                // Created empty and owner-only before SQLite opens it; SQLite gives its -wal and -shm files the database file's mode.
                new FileStream(file, new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile }).Dispose();
                RestrictFiles(dataDirectory);
            }

            var database = await SqliteDatabase.OpenAsync(file, options.Synchronous, cancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                RestrictFiles(dataDirectory);
            }

            return new EmbeddedStorage(database, directoryLock, options);
        }
        catch
        {
            await directoryLock.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        return _database.ReadAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = SqliteDatabase.Command(connection, transaction, "SELECT 1;");
                await command.ExecuteScalarAsync(ct);
                return Stopwatch.GetElapsedTime(started);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _purgeLoop;
        await _changeFeed.DisposeAsync();
        await _database.DisposeAsync();
        await _directoryLock.DisposeAsync();
        _stopping.Dispose();
    }

    // Files of a store written before permissions were restricted are brought to owner-only too.
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void RestrictFiles(string dataDirectory)
    {
        foreach (var file in Directory.EnumerateFiles(dataDirectory))
        {
            if ((File.GetUnixFileMode(file) & ~OwnerOnlyFile) != 0)
            {
                File.SetUnixFileMode(file, OwnerOnlyFile);
            }
        }
    }

    private static FileStream LockDirectory(string dataDirectory)
    {
        // WARNING: one EmbeddedStorage per directory. Two writers on one file would each serialise only their own writes.
        try
        {
            var lockOptions = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                lockOptions.UnixCreateMode = OwnerOnlyFile;
            }

            return new FileStream(Path.Combine(dataDirectory, LockFileName), lockOptions);
        }
        catch (IOException e)
        {
            throw new IOException("The data directory is already in use by another embedded store.", e);
        }
    }

    private async Task PurgeLoopAsync(TimeSpan interval, TimeProvider time)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                try
                {
                    await _sessions.PurgeExpiredAsync(_stopping.Token);
                    _counters.PurgeExpired();
                }
                catch (StorageUnavailableException)
                {
                    // Purging only reclaims space; the next tick retries.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

using System.Diagnostics;
using Kuzzle.Realtime.Storage.Redis;
using StackExchange.Redis;

namespace Kuzzle.Realtime.Storage;

/// <summary>
/// The Redis store, shared by every node: documents, sessions, counters and the change feed under one key prefix.
/// Connect with <see cref="ConnectAsync"/>; it never fails because Redis is down: operations throw
/// <see cref="StorageUnavailableException"/> until the connection comes back, which happens on its own.
/// </summary>
/// <remarks>Needs one Redis 6.2+ primary (not Redis Cluster: scripts touch keys derived from stored data).</remarks>
public sealed class RedisStorage : IStorageProvider
{
    private readonly ConnectionMultiplexer _connection;
    private readonly RedisExecutor _executor;
    private readonly RedisChangeFeed _changeFeed;
    private int _disposed;

    private RedisStorage(ConnectionMultiplexer connection, string keyPrefix, RedisStorageOptions options)
    {
        _connection = connection;
        KeyPrefix = keyPrefix;
        _executor = new RedisExecutor(options.OperationTimeout);
        var keys = new RedisKeys(keyPrefix);
        var database = connection.GetDatabase();
        Documents = new RedisDocumentStore(database, keys, _executor);
        Sessions = new RedisSessionStore(database, keys, _executor, options.TimeProvider);
        Counters = new RedisCounterStore(database, keys, _executor);
        _changeFeed = new RedisChangeFeed(connection.GetSubscriber(), keys, _executor, options.OnChangeFeedHandlerError);
    }

    /// <inheritdoc />
    public string Name => "redis";

    /// <inheritdoc />
    public IDocumentStore Documents { get; }

    /// <inheritdoc />
    public ISessionStore Sessions { get; }

    /// <inheritdoc />
    public ICounterStore Counters { get; }

    /// <inheritdoc />
    public IChangeFeed ChangeFeed => _changeFeed;

    /// <summary>Whether the connection to Redis is currently up.</summary>
    public bool IsConnected => _connection.IsConnected;

    /// <summary>
    /// The connection, for components that need Redis structures the store contracts do not model (cluster membership and room
    /// counts). They must keep their keys under <see cref="KeyPrefix"/> and out of the store's own key patterns.
    /// </summary>
    public IConnectionMultiplexer Connection => _connection;

    /// <summary>Prefix of every key and channel of this store.</summary>
    public string KeyPrefix { get; }

    /// <summary>
    /// Connects to Redis (StackExchange.Redis connection string, e.g. "127.0.0.1:6379,password=..."). Returns once the first attempt
    /// has succeeded or failed (at most <see cref="RedisStorageOptions.ConnectTimeout"/>); a failed attempt is retried in the background.
    /// </summary>
    /// <param name="connectionString">Where Redis is; abortConnect is forced to false.</param>
    /// <param name="keyPrefix">Prepended to every key and channel, so several deployments can share one Redis.</param>
    /// <param name="options">Timeouts and callbacks; <see cref="RedisStorageOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Checked before connecting.</param>
    public static async Task<RedisStorage> ConnectAsync(
        string connectionString, string keyPrefix = "kuzzle:", RedisStorageOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        options ??= RedisStorageOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.OperationTimeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ConnectTimeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ReconnectInterval, TimeSpan.Zero, nameof(options));
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options));
        cancellationToken.ThrowIfCancellationRequested();

        var configuration = ConfigurationOptions.Parse(connectionString);

        // WARNING: abortConnect=false and fail-fast backlog are what keep a Redis outage from hanging or killing the server:
        // connecting never throws, and commands issued while disconnected fail at once instead of queueing.
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ConnectTimeout = Milliseconds(options.ConnectTimeout);
        configuration.AsyncTimeout = Milliseconds(options.OperationTimeout);
        configuration.SyncTimeout = Milliseconds(options.OperationTimeout);
        configuration.ReconnectRetryPolicy = new LinearRetry(Milliseconds(options.ReconnectInterval));
        configuration.ConnectRetry = 1;

        var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        return new RedisStorage(connection, keyPrefix, options);
    }

    /// <inheritdoc />
    public Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var database = _connection.GetDatabase();
        return _executor.RunAsync(
            async () =>
            {
                var started = Stopwatch.GetTimestamp();
                await database.PingAsync();
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

        await _changeFeed.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private static int Milliseconds(TimeSpan value) => (int)Math.Min(int.MaxValue, Math.Ceiling(value.TotalMilliseconds));
}

using Kuzzle.Realtime.Server.Api.Controllers;
using Kuzzle.Realtime.Server.Diagnostics;
using Kuzzle.Realtime.Storage;

namespace Kuzzle.Realtime.Server.Storage;

/// <summary>
/// The stores this node uses: the embedded store always (under <c>--data</c>), and Redis when <c>--redis</c> is given, in which case
/// <see cref="Shared"/> (sessions, security data, invalidations) lives in Redis so every node sees the same state.
/// </summary>
public sealed class ServerStorage : IAsyncDisposable
{
    /// <summary>Collection of user documents; every user document carries one <c>profileIds</c> term per profile.</summary>
    public const string UsersCollection = "users";

    private ServerStorage(IStorageProvider embedded, IStorageProvider? redis)
    {
        Embedded = embedded;
        Redis = redis;
    }

    /// <summary>The embedded store.</summary>
    public IStorageProvider Embedded { get; }

    /// <summary>Redis, when configured.</summary>
    public IStorageProvider? Redis { get; }

    /// <summary>Where shared state lives: Redis when configured, else the embedded store.</summary>
    public IStorageProvider Shared => Redis ?? Embedded;

    /// <summary>Opens the embedded store and connects to Redis (connection failures do not stop the node: Redis reconnects).</summary>
    public static async Task<ServerStorage> OpenAsync(string dataDirectory, string? redisConnectionString, CancellationToken cancellationToken)
    {
        var embedded = await EmbeddedStorage.OpenAsync(dataDirectory, cancellationToken: cancellationToken);
        try
        {
            var redis = redisConnectionString is null ? null : await RedisStorage.ConnectAsync(redisConnectionString, cancellationToken: cancellationToken);
            return new ServerStorage(embedded, redis);
        }
        catch
        {
            await embedded.DisposeAsync();
            throw;
        }
    }

    /// <summary>Registers the stores with the health check (Kuzzle's service names).</summary>
    public void RegisterHealth(ServiceHealth health)
    {
        ArgumentNullException.ThrowIfNull(health);
        health.Add(new ServiceProbe("internalCache", Shared.Name, ct => PingAsync(Shared, ct)));
        health.Add(new ServiceProbe("storageEngine", Embedded.Name, ct => PingAsync(Embedded, ct)));
        if (Redis is RedisStorage redis)
        {
            // A node cut from Redis cannot check new sessions nor reach the other nodes: the load balancer should prefer others.
            health.AddReadiness(() => redis.IsConnected);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        await Embedded.DisposeAsync();
    }

    private static async ValueTask<bool> PingAsync(IStorageProvider provider, CancellationToken cancellationToken)
    {
        try
        {
            await provider.PingAsync(cancellationToken);
            return true;
        }
        catch (StorageUnavailableException)
        {
            return false;
        }
    }
}

/// <summary><c>server:adminExists</c> from the user store: true when a user document has the <c>admin</c> profile.</summary>
public sealed class StoredAdminDirectory(ServerStorage storage) : IAdminDirectory
{
    /// <inheritdoc />
    public async ValueTask<bool> AdminExistsAsync(CancellationToken cancellationToken) =>
        await storage.Shared.Documents.CountByTermAsync(ServerStorage.UsersCollection, "profileIds", "admin", cancellationToken) > 0;
}

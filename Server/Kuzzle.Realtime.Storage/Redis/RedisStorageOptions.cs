namespace Kuzzle.Realtime.Storage;

/// <summary>Settings of the Redis store. Values here win over the same settings in the connection string.</summary>
public sealed record RedisStorageOptions
{
    /// <summary>The stock settings.</summary>
    public static RedisStorageOptions Default { get; } = new();

    /// <summary>
    /// The longest an operation may take before it fails with <see cref="StorageUnavailableException"/>. A write that times out
    /// may still have been applied.
    /// </summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one connection attempt may take; the first attempt bounds <see cref="RedisStorage.ConnectAsync"/>.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The pause between reconnection attempts while Redis is unreachable.</summary>
    public TimeSpan ReconnectInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Receives exceptions thrown by change-feed handlers; null ignores them.</summary>
    public ChangeFeedErrorHandler? OnChangeFeedHandlerError { get; init; }

    /// <summary>The clock turning session expiry dates into Redis TTLs and checking them on reads.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

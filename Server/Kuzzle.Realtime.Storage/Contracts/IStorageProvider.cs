namespace Kuzzle.Realtime.Storage;

/// <summary>One storage backend: the four stores behind a single connection or file.</summary>
public interface IStorageProvider : IAsyncDisposable
{
    /// <summary>"embedded" or "redis".</summary>
    string Name { get; }

    /// <summary>Versioned documents.</summary>
    IDocumentStore Documents { get; }

    /// <summary>Auth sessions.</summary>
    ISessionStore Sessions { get; }

    /// <summary>Throttling counters.</summary>
    ICounterStore Counters { get; }

    /// <summary>Invalidation messages.</summary>
    IChangeFeed ChangeFeed { get; }

    /// <summary>Round-trips to the backing store and returns the latency.</summary>
    /// <exception cref="StorageUnavailableException">The store does not answer.</exception>
    Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default);
}

/// <summary>Receives exceptions thrown by change-feed handlers (which must not end a subscription).</summary>
/// <param name="channel">The channel the failing handler subscribed to.</param>
/// <param name="error">What the handler threw.</param>
public delegate void ChangeFeedErrorHandler(string channel, Exception error);

namespace Kuzzle.Realtime.Storage;

/// <summary>
/// Cross-node invalidation messages (token revoked, role changed). Delivery is at-most-once and best effort: a node that is
/// disconnected from the backing store misses the messages published meanwhile.
/// </summary>
/// <remarks>
/// Every subscriber, including those of the publishing node, receives each message once; messages reach one subscription
/// in publish order, one handler call at a time.
/// </remarks>
public interface IChangeFeed
{
    /// <summary>Publishes a message; the payload is copied before the call returns.</summary>
    Task PublishAsync(string channel, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes a handler; disposing the result unsubscribes and waits for a running handler call to finish.
    /// A handler exception is reported to the provider's error callback and does not end the subscription.
    /// </summary>
    Task<IAsyncDisposable> SubscribeAsync(
        string channel, Func<ReadOnlyMemory<byte>, ValueTask> handler, CancellationToken cancellationToken = default);
}

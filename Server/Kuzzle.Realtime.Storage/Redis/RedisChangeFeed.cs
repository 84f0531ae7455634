using System.Threading.Channels;
using StackExchange.Redis;

namespace Kuzzle.Realtime.Storage.Redis;

/// <summary>
/// <see cref="IChangeFeed"/> over Redis pub/sub. Local subscribers are served through Redis like remote ones (no local shortcut),
/// so every node, the publisher included, sees the same messages in the same order. Messages published while a node is
/// disconnected are lost for that node; StackExchange.Redis re-subscribes on reconnection.
/// </summary>
internal sealed class RedisChangeFeed(ISubscriber subscriber, RedisKeys keys, RedisExecutor executor, ChangeFeedErrorHandler? onHandlerError)
    : IChangeFeed, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly HashSet<Subscription> _subscriptions = [];

    public Task PublishAsync(string channel, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);

        // ToArray copies, so the caller may reuse its buffer as soon as this returns.
        var message = (RedisValue)payload.ToArray();
        return executor.RunAsync(() => subscriber.PublishAsync(keys.Channel(channel), message), cancellationToken);
    }

    public async Task<IAsyncDisposable> SubscribeAsync(
        string channel, Func<ReadOnlyMemory<byte>, ValueTask> handler, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentNullException.ThrowIfNull(handler);

        // Returns once Redis has confirmed the subscription: anything published afterwards is delivered.
        var queue = await executor.RunAsync(() => subscriber.SubscribeAsync(keys.Channel(channel)), cancellationToken);
        var subscription = new Subscription(this, queue, channel, handler, onHandlerError);
        lock (_gate)
        {
            _subscriptions.Add(subscription);
        }

        subscription.Start();
        return subscription;
    }

    public async ValueTask DisposeAsync()
    {
        Subscription[] all;
        lock (_gate)
        {
            all = [.. _subscriptions];
        }

        foreach (var subscription in all)
        {
            await subscription.DisposeAsync();
        }
    }

    private void Forget(Subscription subscription)
    {
        lock (_gate)
        {
            _subscriptions.Remove(subscription);
        }
    }

    private sealed class Subscription(
        RedisChangeFeed owner, ChannelMessageQueue queue, string channelName, Func<ReadOnlyMemory<byte>, ValueTask> handler, ChangeFeedErrorHandler? onError)
        : IAsyncDisposable
    {
        // Set while a handler of this subscription runs, so disposing from inside the handler does not wait for itself.
        private static readonly AsyncLocal<Subscription?> Current = new();

        private readonly CancellationTokenSource _stop = new();
        private Task _pump = Task.CompletedTask;
        private int _disposed;

        public void Start() => _pump = Task.Run(PumpAsync);

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            owner.Forget(this);
            try
            {
                await queue.UnsubscribeAsync();
            }
            catch (RedisException)
            {
                // Redis is away: the local queue is still detached, and the server forgets the subscription with the connection.
            }

            await _stop.CancelAsync();
            if (Current.Value != this)
            {
                await _pump;
            }

            _stop.Dispose();
        }

        private async Task PumpAsync()
        {
            Current.Value = this;
            try
            {
                while (true)
                {
                    var message = await queue.ReadAsync(_stop.Token);
                    if (Volatile.Read(ref _disposed) != 0)
                    {
                        return;
                    }

                    try
                    {
                        await handler((byte[]?)message.Message ?? []);
                    }
                    catch (Exception e)
                    {
                        onError?.Invoke(channelName, e);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (ChannelClosedException)
            {
            }
        }
    }
}

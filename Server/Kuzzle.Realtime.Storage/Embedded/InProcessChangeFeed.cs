using System.Threading.Channels;

namespace Kuzzle.Realtime.Storage.Embedded;

/// <summary>
/// <see cref="IChangeFeed"/> for a single node: messages go straight to this process's subscribers, each through its own
/// bounded queue and pump. A handler runs at its own pace until its queue is full; then publishers wait for it.
/// </summary>
internal sealed class InProcessChangeFeed(int capacity, ChangeFeedErrorHandler? onHandlerError) : IChangeFeed, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Subscription[]> _subscriptions = new(StringComparer.Ordinal);
    private bool _disposed;

    public async Task PublishAsync(string channel, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        cancellationToken.ThrowIfCancellationRequested();
        Subscription[]? targets;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _subscriptions.TryGetValue(channel, out targets);
        }

        if (targets is null)
        {
            return;
        }

        // The caller may reuse its buffer once we return; one copy is shared by every subscriber (handlers only read it).
        var copy = payload.ToArray();
        foreach (var subscription in targets)
        {
            await subscription.EnqueueAsync(copy, cancellationToken);
        }
    }

    public Task<IAsyncDisposable> SubscribeAsync(
        string channel, Func<ReadOnlyMemory<byte>, ValueTask> handler, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentNullException.ThrowIfNull(handler);
        cancellationToken.ThrowIfCancellationRequested();
        var subscription = new Subscription(this, channel, handler, capacity, onHandlerError);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _subscriptions[channel] = _subscriptions.TryGetValue(channel, out var existing) ? [.. existing, subscription] : [subscription];
        }

        subscription.Start();
        return Task.FromResult<IAsyncDisposable>(subscription);
    }

    public async ValueTask DisposeAsync()
    {
        Subscription[] all;
        lock (_gate)
        {
            _disposed = true;
            all = [.. _subscriptions.Values.SelectMany(s => s)];
        }

        foreach (var subscription in all)
        {
            await subscription.DisposeAsync();
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            if (!_subscriptions.TryGetValue(subscription.ChannelName, out var existing))
            {
                return;
            }

            var remaining = existing.Where(s => s != subscription).ToArray();
            if (remaining.Length == 0)
            {
                _subscriptions.Remove(subscription.ChannelName);
            }
            else
            {
                _subscriptions[subscription.ChannelName] = remaining;
            }
        }
    }

    private sealed class Subscription(
        InProcessChangeFeed owner, string channelName, Func<ReadOnlyMemory<byte>, ValueTask> handler, int capacity, ChangeFeedErrorHandler? onError)
        : IAsyncDisposable
    {
        // Set while a handler of this subscription runs, so disposing from inside the handler does not wait for itself.
        private static readonly AsyncLocal<Subscription?> Current = new();

        private readonly Channel<byte[]> _queue = Channel.CreateBounded<byte[]>(
            new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

        private Task _pump = Task.CompletedTask;
        private int _disposed;

        public string ChannelName => channelName;

        public void Start() => _pump = Task.Run(PumpAsync);

        public async ValueTask EnqueueAsync(byte[] payload, CancellationToken cancellationToken)
        {
            // A subscription disposed while a publish is under way just misses the message.
            try
            {
                await _queue.Writer.WriteAsync(payload, cancellationToken);
            }
            catch (ChannelClosedException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            owner.Remove(this);
            _queue.Writer.TryComplete();
            if (Current.Value != this)
            {
                await _pump;
            }
        }

        private async Task PumpAsync()
        {
            Current.Value = this;
            await foreach (var payload in _queue.Reader.ReadAllAsync())
            {
                if (Volatile.Read(ref _disposed) != 0)
                {
                    return;
                }

                try
                {
                    await handler(payload);
                }
                catch (Exception e)
                {
                    onError?.Invoke(channelName, e);
                }
            }
        }
    }
}

using System.Threading.Channels;
using StackExchange.Redis;

namespace Kuzzle.Realtime.Storage.Redis;

/// <summary>
/// <see cref="IChangeFeed"/> over Redis pub/sub. Local subscribers are served through Redis like remote ones (no local shortcut),
/// so every node, the publisher included, sees the same messages in the same order. Messages published while a node is
/// disconnected are lost for that node; StackExchange.Redis re-subscribes on reconnection.
/// </summary>
/// <remarks>
/// One Redis subscription per channel is shared by this node's subscribers of that channel; its pump calls their handlers one
/// after the other, in message order.
/// </remarks>
internal sealed class RedisChangeFeed(ISubscriber subscriber, RedisKeys keys, RedisExecutor executor, ChangeFeedErrorHandler? onHandlerError)
    : IChangeFeed, IAsyncDisposable
{
    // WARNING: _channels changes only under _channelsLock, which is what guarantees one Redis subscription per channel and lets a
    // failed subscription be cleaned up without touching a live one.
    private readonly SemaphoreSlim _channelsLock = new(1, 1);
    private readonly Dictionary<string, ChannelPump> _channels = new(StringComparer.Ordinal);

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
        await _channelsLock.WaitAsync(cancellationToken);
        try
        {
            if (!_channels.TryGetValue(channel, out var pump))
            {
                pump = new ChannelPump(this, channel, await OpenAsync(channel, cancellationToken));
                _channels.Add(channel, pump);
            }

            return pump.Add(handler);
        }
        finally
        {
            _channelsLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        ChannelPump[] all;
        await _channelsLock.WaitAsync();
        try
        {
            all = [.. _channels.Values];
            _channels.Clear();
            foreach (var pump in all)
            {
                await pump.DetachAsync();
            }
        }
        finally
        {
            _channelsLock.Release();
        }

        foreach (var pump in all)
        {
            await pump.DisposeAsync();
        }
    }

    /// <summary>Subscribes in Redis; returns once Redis has confirmed, so anything published afterwards is delivered.</summary>
    private async Task<ChannelMessageQueue> OpenAsync(string channel, CancellationToken cancellationToken)
    {
        var pending = subscriber.SubscribeAsync(keys.Channel(channel));
        try
        {
            return await executor.RunAsync(() => pending, cancellationToken);
        }
        catch
        {
            // StackExchange.Redis registers the queue before Redis confirms and keeps it (re-subscribing on reconnection) even when
            // the attempt fails; nobody would read it. Undo that once the attempt has settled, outside our lock.
            _ = Task.Run(() => CleanUpFailedOpenAsync(channel, pending), CancellationToken.None);
            throw;
        }
    }

    private async Task CleanUpFailedOpenAsync(string channel, Task<ChannelMessageQueue> pending)
    {
        try
        {
            var queue = await pending;
            await queue.UnsubscribeAsync(CommandFlags.FireAndForget);
            return;
        }
        catch (Exception)
        {
            // The attempt failed: its queue is unreachable, so drop the channel's whole local subscription, unless a later
            // successful SubscribeAsync now owns that channel.
        }

        await _channelsLock.WaitAsync();
        try
        {
            if (!_channels.ContainsKey(channel))
            {
                await subscriber.UnsubscribeAsync(keys.Channel(channel), null, CommandFlags.FireAndForget);
            }
        }
        catch (Exception)
        {
            // Disconnected: the local registration is gone already, and Redis forgot the subscription with the connection.
        }
        finally
        {
            _channelsLock.Release();
        }
    }

    private async Task RemoveAsync(ChannelPump pump)
    {
        await _channelsLock.WaitAsync();
        try
        {
            if (!pump.IsEmpty || !_channels.Remove(pump.Name))
            {
                return;
            }

            // WARNING: unsubscribe before releasing the lock, so a new subscription to the same channel cannot race our UNSUBSCRIBE.
            await pump.DetachAsync();
        }
        finally
        {
            _channelsLock.Release();
        }

        // Outside the lock: the pump may be running a handler that waits for it.
        await pump.DisposeAsync();
    }

    /// <summary>Reads one Redis subscription and hands each message to this node's subscribers of the channel.</summary>
    private sealed class ChannelPump : IAsyncDisposable
    {
        private readonly RedisChangeFeed _owner;
        private readonly ChannelMessageQueue _queue;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _pump;
        private Subscription[] _subscriptions = [];

        public ChannelPump(RedisChangeFeed owner, string name, ChannelMessageQueue queue)
        {
            _owner = owner;
            Name = name;
            _queue = queue;
            _pump = Task.Run(PumpAsync);
        }

        public string Name { get; }

        public bool IsEmpty => Volatile.Read(ref _subscriptions).Length == 0;

        public Subscription Add(Func<ReadOnlyMemory<byte>, ValueTask> handler)
        {
            var subscription = new Subscription(this, handler);
            ImmutableUpdate(current => [.. current, subscription]);
            return subscription;
        }

        public async Task RemoveAsync(Subscription subscription)
        {
            ImmutableUpdate(current => [.. current.Where(s => s != subscription)]);
            await _owner.RemoveAsync(this);
        }

        /// <summary>Ends the Redis subscription and stops reading; handlers get no further message.</summary>
        public async Task DetachAsync()
        {
            try
            {
                await _queue.UnsubscribeAsync();
            }
            catch (RedisException)
            {
                // Redis is away: the local queue is detached anyway, and Redis forgets the subscription with the connection.
            }

            await _stop.CancelAsync();
        }

        /// <summary>Waits for the pump to finish (unless called from one of its own handlers). Call after <see cref="DetachAsync"/>.</summary>
        public async ValueTask DisposeAsync()
        {
            if (Subscription.Current.Value?.Pump != this)
            {
                await _pump;
            }

            _stop.Dispose();
        }

        private void ImmutableUpdate(Func<Subscription[], Subscription[]> change)
        {
            while (true)
            {
                var current = Volatile.Read(ref _subscriptions);
                if (Interlocked.CompareExchange(ref _subscriptions, change(current), current) == current)
                {
                    return;
                }
            }
        }

        private async Task PumpAsync()
        {
            // Read once: the token stays usable after _stop is disposed (when a handler closed its own pump).
            var stop = _stop.Token;
            try
            {
                while (true)
                {
                    var message = await _queue.ReadAsync(stop);
                    var payload = (byte[]?)message.Message ?? [];
                    foreach (var subscription in Volatile.Read(ref _subscriptions))
                    {
                        await subscription.DeliverAsync(payload, _owner.OnHandlerError);
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

    // The nested pump reads the error sink through this (it cannot see primary-constructor parameters).
    private ChangeFeedErrorHandler? OnHandlerError => onHandlerError;

    /// <summary>One handler; disposing it waits for a running call of the handler to finish.</summary>
    private sealed class Subscription(ChannelPump pump, Func<ReadOnlyMemory<byte>, ValueTask> handler) : IAsyncDisposable
    {
        // Set while a handler runs, so disposing from inside a handler does not wait for itself.
        public static readonly AsyncLocal<Subscription?> Current = new();

        // Held around each handler call; disposal takes it once to know no call is running.
        private readonly SemaphoreSlim _running = new(1, 1);
        private int _disposed;

        public ChannelPump Pump => pump;

        public async ValueTask DeliverAsync(byte[] payload, ChangeFeedErrorHandler? onError)
        {
            await _running.WaitAsync();
            try
            {
                if (Volatile.Read(ref _disposed) != 0)
                {
                    return;
                }

                Current.Value = this;
                await handler(payload);
            }
            catch (Exception e)
            {
                onError?.Invoke(pump.Name, e);
            }
            finally
            {
                Current.Value = null;
                _running.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            if (Current.Value != this)
            {
                // Wait out a running call; none starts afterwards because _disposed is set.
                await _running.WaitAsync();
                _running.Release();
            }

            await pump.RemoveAsync(this);
        }
    }
}

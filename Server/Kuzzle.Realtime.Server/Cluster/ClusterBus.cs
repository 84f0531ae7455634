using System.Threading.Channels;
using Kuzzle.Realtime.Storage;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Kuzzle.Realtime.Server.Cluster;

/// <summary>
/// Cross-node messages over Redis pub/sub, one channel per (index, collection): a node subscribes to the channels of the
/// collections it has rooms on, so a publish reaches only the nodes listening on its collection.
/// </summary>
/// <remarks>
/// Outbound messages go through one bounded queue (bytes) drained by a single sender, which keeps them in order. While Redis is
/// unreachable they wait there at most <see cref="ClusterOptions.OutageBufferTime"/>; after reconnection the sender waits
/// <see cref="ClusterOptions.RecoveryDelay"/> (other nodes re-subscribe) and sends them. A message is never sent twice: one whose
/// PUBLISH failed in flight is counted as dropped, not retried.
/// </remarks>
internal sealed partial class ClusterBus : IAsyncDisposable
{
    private const int BatchSize = 256;

    private readonly IChangeFeed _feed;
    private readonly IConnectionMultiplexer _redis;
    private readonly ClusterOptions _options;
    private readonly ClusterMetrics _metrics;
    private readonly Func<ReadOnlyMemory<byte>, ValueTask> _inbound;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _queueLock = new();
    private readonly Queue<Pending> _queue = new();
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _subscriptionsLock = new(1, 1);
    private readonly Dictionary<string, IAsyncDisposable> _subscriptions = new(StringComparer.Ordinal);

    // Channels found unwanted by one reconciliation: left only if the next one still finds them unwanted. A subscribe joins the
    // channel before its room exists, so a room list taken in between must not make the node leave the channel it just joined.
    private readonly HashSet<string> _unwantedOnce = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private long _queuedBytes;
    private int _disposed;
    private Task _sender = Task.CompletedTask;

    public ClusterBus(
        IChangeFeed feed, IConnectionMultiplexer redis, ClusterOptions options, ClusterMetrics metrics,
        Func<ReadOnlyMemory<byte>, ValueTask> inbound, TimeProvider time, ILogger logger)
    {
        _feed = feed;
        _redis = redis;
        _options = options;
        _metrics = metrics;
        _inbound = inbound;
        _time = time;
        _logger = logger;
    }

    /// <summary>The feed channel of a collection.</summary>
    public static string ChannelOf(string index, string collection) => "rt:" + index + "/" + collection;

    public void Start() => _sender = Task.Run(SendLoopAsync);

    /// <summary>Queues a message for the other nodes; drops it (counted) when the buffer is full.</summary>
    public void Send(string channel, byte[] payload)
    {
        lock (_queueLock)
        {
            if (_queuedBytes + payload.Length > _options.OutageBufferBytes)
            {
                _metrics.OnDropped();
                return;
            }

            _queue.Enqueue(new Pending(channel, payload, _time.GetTimestamp()));
            _queuedBytes += payload.Length;
            _metrics.SetBuffered(_queue.Count);
        }

        _doorbell.Writer.TryWrite(true);
    }

    /// <summary>Subscribes to a channel (waits for Redis to confirm); false when Redis is away (retried by <see cref="ReconcileAsync"/>).</summary>
    public async ValueTask<bool> WatchAsync(string channel, CancellationToken cancellationToken)
    {
        await _subscriptionsLock.WaitAsync(cancellationToken);
        try
        {
            _unwantedOnce.Remove(channel);
            if (_subscriptions.ContainsKey(channel))
            {
                return true;
            }

            _subscriptions[channel] = await _feed.SubscribeAsync(channel, _inbound, cancellationToken);
            return true;
        }
        catch (StorageUnavailableException)
        {
            return false;
        }
        finally
        {
            _subscriptionsLock.Release();
        }
    }

    /// <summary>Subscribes to the wanted channels not yet subscribed and leaves those unwanted by two reconciliations in a row.</summary>
    public async Task ReconcileAsync(IReadOnlySet<string> wanted, CancellationToken cancellationToken)
    {
        foreach (var channel in wanted)
        {
            if (!await WatchAsync(channel, cancellationToken))
            {
                return;
            }
        }

        List<IAsyncDisposable> unused = [];
        await _subscriptionsLock.WaitAsync(cancellationToken);
        try
        {
            _unwantedOnce.RemoveWhere(wanted.Contains);
            foreach (var channel in _subscriptions.Keys.Where(c => !wanted.Contains(c)).ToList())
            {
                if (_unwantedOnce.Add(channel))
                {
                    continue; // First time unwanted: maybe a subscribe in progress.
                }

                _unwantedOnce.Remove(channel);
                unused.Add(_subscriptions[channel]);
                _subscriptions.Remove(channel);
            }
        }
        finally
        {
            _subscriptionsLock.Release();
        }

        foreach (var subscription in unused)
        {
            await subscription.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // DI may dispose the owner once per registration it is exposed under.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        _doorbell.Writer.TryComplete();
        await _sender;
        foreach (var subscription in _subscriptions.Values)
        {
            await subscription.DisposeAsync();
        }

        _subscriptions.Clear();
        _stop.Dispose();
    }

    private async Task SendLoopAsync()
    {
        var stop = _stop.Token;
        var wasDown = false;
        var batch = new List<Pending>(BatchSize);
        var sends = new List<Task>(BatchSize);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (!_redis.IsConnected)
                {
                    wasDown = true;
                    DropOlderThan(_options.OutageBufferTime);
                    await Task.Delay(50, stop);
                    continue;
                }

                if (wasDown)
                {
                    wasDown = false;
                    await Task.Delay(_options.RecoveryDelay, stop);
                    DropOlderThan(_options.OutageBufferTime);
                    LogRecovered(_logger, _metrics.Buffered);
                    continue;
                }

                if (!Take(batch))
                {
                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop);
                    idle.CancelAfter(100);
                    try
                    {
                        await _doorbell.Reader.ReadAsync(idle.Token);
                    }
                    catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                    {
                    }

                    continue;
                }

                // Issued without awaiting one by one: StackExchange.Redis pipelines them on one connection, in this order.
                sends.Clear();
                foreach (var message in batch)
                {
                    sends.Add(_feed.PublishAsync(message.Channel, message.Payload, CancellationToken.None));
                }

                foreach (var send in sends)
                {
                    try
                    {
                        await send;
                        _metrics.OnSent();
                    }
                    catch (StorageUnavailableException)
                    {
                        _metrics.OnDropped();
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogSendFailed(_logger, e);
            }
        }
    }

    private bool Take(List<Pending> batch)
    {
        batch.Clear();
        lock (_queueLock)
        {
            while (batch.Count < BatchSize && _queue.TryDequeue(out var message))
            {
                batch.Add(message);
                _queuedBytes -= message.Payload.Length;
            }

            _metrics.SetBuffered(_queue.Count);
        }

        return batch.Count > 0;
    }

    private void DropOlderThan(int maxAgeMs)
    {
        lock (_queueLock)
        {
            var dropped = 0;
            while (_queue.TryPeek(out var oldest) && _time.GetElapsedTime(oldest.Queued).TotalMilliseconds >= maxAgeMs)
            {
                _queue.Dequeue();
                _queuedBytes -= oldest.Payload.Length;
                dropped++;
            }

            if (dropped > 0)
            {
                _metrics.OnDropped(dropped);
                _metrics.SetBuffered(_queue.Count);
            }
        }
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Redis is back: sending {Buffered} buffered cross-node messages")]
    private static partial void LogRecovered(ILogger logger, long buffered);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Cross-node sender failed; continuing")]
    private static partial void LogSendFailed(ILogger logger, Exception exception);

    private readonly record struct Pending(string Channel, byte[] Payload, long Queued);
}

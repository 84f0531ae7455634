using System.Runtime.InteropServices;
using System.Threading.Channels;
using Kuzzle.Realtime.Server.Network.WebSockets;

namespace Kuzzle.Realtime.Server.Cluster;

/// <summary>
/// Messages received from other nodes, delivered to local subscribers in arrival order by one loop that paces itself on their send
/// queues.
/// </summary>
/// <remarks>
/// Why pace: a node that got no CPU for a while (a busy machine, a GC pause), or that comes back from a Redis outage, receives what
/// it missed as one burst. Handing the burst to sockets at once would overflow their send queues and close, as slow consumers,
/// subscribers that do read. So after each message the loop waits, at most <see cref="ClusterOptions.SlowSubscriberWait"/>, for the
/// sockets it left half full. Bounded: while <see cref="ClusterOptions.InboundQueueSize"/> messages are waiting, the loop stops
/// waiting, and a subscriber that really reads slower than the publish rate overflows and is closed (the slow-consumer policy); one
/// that reads nothing at all is not waited for again once its writes have been stuck longer than the bound.
/// </remarks>
internal sealed class ClusterInbox
{
    private readonly Channel<byte[]> _queue;
    private readonly int _capacity;
    private readonly TimeSpan _wait;
    private readonly Func<byte[], List<WebSocketConnection>, bool> _deliver;

    /// <param name="options">Queue size and pacing bound.</param>
    /// <param name="deliver">Delivers one message locally, adding the sockets it left congested; false when it was not for us.</param>
    public ClusterInbox(ClusterOptions options, Func<byte[], List<WebSocketConnection>, bool> deliver)
    {
        _capacity = options.InboundQueueSize;
        _wait = TimeSpan.FromMilliseconds(options.SlowSubscriberWait);
        _deliver = deliver;
        _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(_capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>Messages waiting.</summary>
    public int Count => _queue.Reader.Count;

    /// <summary>Queues a received message; waits while the queue is full (the delivery loop is then not pacing, so it is short).</summary>
    public ValueTask PostAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        // The change feed hands each handler a fresh array; copy only if that ever changes.
        var bytes = MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : payload.ToArray();
        return _queue.Writer.TryWrite(bytes) ? ValueTask.CompletedTask : _queue.Writer.WriteAsync(bytes, cancellationToken);
    }

    /// <summary>Delivers queued messages until stopped.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var congested = new List<WebSocketConnection>();
        try
        {
            await foreach (var payload in _queue.Reader.ReadAllAsync(stop))
            {
                congested.Clear();
                if (_deliver(payload, congested) && congested.Count > 0 && _wait > TimeSpan.Zero)
                {
                    await PaceAsync(congested, stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task PaceAsync(List<WebSocketConnection> congested, CancellationToken stop)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(_wait);
        foreach (var connection in congested)
        {
            // WARNING: never pace with a full queue, or one slow reader would make this node buffer without bound.
            if (_queue.Reader.Count >= _capacity)
            {
                return;
            }

            // A socket whose writes have made no progress for longer than the pacing bound does not read: waiting for it again would
            // hold every cross-node message for the whole bound. It is left to its byte budget and stall timeout.
            if (connection.StalledMilliseconds > _wait.TotalMilliseconds)
            {
                continue;
            }

            try
            {
                await connection.WaitUncongestedAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                // Waited long enough: what still does not fit closes that subscriber as a slow consumer.
                return;
            }
        }
    }
}

namespace Kuzzle.Realtime.Server.Cluster;

/// <summary>Cross-node traffic counters, exported as <c>kuzzle_cluster_*</c>.</summary>
public sealed class ClusterMetrics
{
    private long _sent;
    private long _received;
    private long _dropped;
    private long _buffered;
    private long _resyncs;

    /// <summary>Cross-node publishes and user notifications sent to Redis.</summary>
    public long Sent => Volatile.Read(ref _sent);

    /// <summary>Messages received from other nodes.</summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>Cross-node messages given up: buffer full or too old after an outage, or lost in flight when Redis dropped.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Cross-node messages waiting to be sent now.</summary>
    public long Buffered => Volatile.Read(ref _buffered);

    /// <summary>Full rewrites of this node's room counts (after a Redis outage or restart).</summary>
    public long Resyncs => Volatile.Read(ref _resyncs);

    internal void OnSent(int n = 1) => Interlocked.Add(ref _sent, n);

    internal void OnReceived() => Interlocked.Increment(ref _received);

    internal void OnDropped(int n = 1) => Interlocked.Add(ref _dropped, n);

    internal void SetBuffered(long n) => Volatile.Write(ref _buffered, n);

    internal void OnResync() => Interlocked.Increment(ref _resyncs);
}

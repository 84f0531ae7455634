namespace Kuzzle.Realtime.Server.Cluster;

/// <summary>Multi-node settings (<c>Kuzzle:Cluster</c>), used only when the node runs with <c>--redis</c>.</summary>
public sealed class ClusterOptions
{
    /// <summary>How often a node refreshes its membership key and room counts in Redis (ms).</summary>
    public int HeartbeatInterval { get; set; } = 1000;

    /// <summary>
    /// How long a node's membership and room counts outlive its last heartbeat (ms): a node that dies leaves no subscriber counts
    /// behind after this delay.
    /// </summary>
    public int NodeTtl { get; set; } = 5000;

    /// <summary>
    /// Cross-node publishes made while Redis is unreachable are kept at most this long (ms) and sent when it comes back; older ones
    /// are dropped and counted (<c>kuzzle_cluster_publish_dropped_total</c>). 0 = no buffering (dropped at once).
    /// </summary>
    public int OutageBufferTime { get; set; } = 10_000;

    /// <summary>Most bytes of cross-node publishes buffered during an outage; beyond it new publishes are dropped and counted.</summary>
    public int OutageBufferBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// After Redis comes back, how long to wait before sending the buffered publishes (ms), so that the other nodes have
    /// re-subscribed (they reconnect on their own schedule; StackExchange.Redis retries every 500 ms).
    /// </summary>
    public int RecoveryDelay { get; set; } = 1500;

    /// <summary>Most room-count changes waiting to be written to Redis; beyond it, a full rewrite is scheduled instead.</summary>
    public int StateQueueSize { get; set; } = 100_000;

    /// <summary>
    /// Longest time (ms) one cross-node message waits for local subscribers whose send queue is half full before the next message is
    /// delivered. A node that got no CPU for a while receives what it missed as one burst; pacing on the sockets keeps that burst
    /// from closing subscribers that do read as slow consumers. A subscriber still congested after this wait is left to overflow.
    /// 0 = no pacing.
    /// </summary>
    public int SlowSubscriberWait { get; set; } = 2000;

    /// <summary>
    /// Most cross-node messages received and not yet delivered on this node. While it is full, delivery stops pacing (congested
    /// subscribers then overflow and are closed as slow consumers), so a subscriber that reads slower than the publish rate cannot
    /// make this node buffer without bound.
    /// </summary>
    public int InboundQueueSize { get; set; } = 10_000;

    /// <summary>Checks the values; returns the problems found.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (HeartbeatInterval <= 0 || NodeTtl <= HeartbeatInterval)
        {
            errors.Add("Cluster:HeartbeatInterval must be positive and Cluster:NodeTtl larger than it.");
        }

        if (OutageBufferTime < 0 || OutageBufferBytes < 0 || RecoveryDelay < 0 || StateQueueSize <= 0)
        {
            errors.Add("Cluster:OutageBufferTime, OutageBufferBytes and RecoveryDelay must not be negative; StateQueueSize must be positive.");
        }

        if (SlowSubscriberWait < 0 || InboundQueueSize <= 0)
        {
            errors.Add("Cluster:SlowSubscriberWait must not be negative; Cluster:InboundQueueSize must be positive.");
        }

        return errors;
    }
}

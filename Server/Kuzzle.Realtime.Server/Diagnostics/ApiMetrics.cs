using System.Collections.Concurrent;

namespace Kuzzle.Realtime.Server.Diagnostics;

/// <summary>Live counters behind <c>server:metrics</c>, <c>server:getStats</c> and the Prometheus endpoint.</summary>
public sealed class ApiMetrics
{
    private readonly ConcurrentDictionary<string, ProtocolCounters> _protocols = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Controller, string Action), ActionCounter> _actions = new();
    private readonly ConcurrentDictionary<string, Counter> _errors = new(StringComparer.Ordinal);
    private long _rejectedConnections;
    private long _closedSlowConsumers;

    /// <summary>Per-protocol counters (connections, requests).</summary>
    public ProtocolCounters For(string protocol) => _protocols.GetOrAdd(protocol, static p => new ProtocolCounters(p));

    /// <summary>All protocols seen so far.</summary>
    public IEnumerable<ProtocolCounters> Protocols => _protocols.Values;

    /// <summary>Counts one finished request of a known action.</summary>
    public void CountAction(string controller, string action, bool failed)
    {
        var c = _actions.GetOrAdd((controller, action), static _ => new ActionCounter());
        Interlocked.Increment(ref c.Total);
        if (failed)
        {
            Interlocked.Increment(ref c.Failed);
        }
    }

    /// <summary>Counts one error by id (or status for ad-hoc errors).</summary>
    public void CountError(string key) => Interlocked.Increment(ref _errors.GetOrAdd(key, static _ => new Counter()).Value);

    /// <summary>Counts a connection refused by a limit.</summary>
    public void CountRejectedConnection() => Interlocked.Increment(ref _rejectedConnections);

    /// <summary>Counts a socket closed because it did not read its frames.</summary>
    public void CountSlowConsumerClosed() => Interlocked.Increment(ref _closedSlowConsumers);

    /// <summary>Connections refused by the connection limit.</summary>
    public long RejectedConnections => Interlocked.Read(ref _rejectedConnections);

    /// <summary>Sockets closed for backpressure.</summary>
    public long SlowConsumersClosed => Interlocked.Read(ref _closedSlowConsumers);

    /// <summary>Requests per action.</summary>
    public IEnumerable<(string Controller, string Action, long Total, long Failed)> Actions =>
        _actions.Select(kv => (kv.Key.Controller, kv.Key.Action, Interlocked.Read(ref kv.Value.Total), Interlocked.Read(ref kv.Value.Failed)));

    /// <summary>Errors per id.</summary>
    public IEnumerable<(string Id, long Count)> Errors => _errors.Select(kv => (kv.Key, Interlocked.Read(ref kv.Value.Value)));

    /// <summary>Counters of one protocol.</summary>
    public sealed class ProtocolCounters(string name)
    {
        private long _connections;
        private long _completed;
        private long _failed;
        private long _ongoing;

        /// <summary>Protocol name (lower case).</summary>
        public string Name { get; } = name;

        /// <summary>Live connections.</summary>
        public long Connections => Interlocked.Read(ref _connections);

        /// <summary>Requests answered with success.</summary>
        public long Completed => Interlocked.Read(ref _completed);

        /// <summary>Requests answered with an error.</summary>
        public long Failed => Interlocked.Read(ref _failed);

        /// <summary>Requests executing.</summary>
        public long Ongoing => Interlocked.Read(ref _ongoing);

        /// <summary>A connection opened.</summary>
        public void Connected() => Interlocked.Increment(ref _connections);

        /// <summary>A connection closed.</summary>
        public void Disconnected() => Interlocked.Decrement(ref _connections);

        /// <summary>A request started.</summary>
        public void RequestStarted() => Interlocked.Increment(ref _ongoing);

        /// <summary>A request ended.</summary>
        public void RequestEnded(bool failed)
        {
            Interlocked.Decrement(ref _ongoing);
            Interlocked.Increment(ref failed ? ref _failed : ref _completed);
        }
    }

    private sealed class ActionCounter
    {
        public long Total;
        public long Failed;
    }

    private sealed class Counter
    {
        public long Value;
    }
}

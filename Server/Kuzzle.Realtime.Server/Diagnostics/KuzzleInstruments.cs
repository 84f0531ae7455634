using System.Diagnostics.Metrics;
using Kuzzle.Realtime.Server.Api;
using Kuzzle.Realtime.Server.Cluster;

namespace Kuzzle.Realtime.Server.Diagnostics;

/// <summary>
/// The server's counters as <see cref="System.Diagnostics.Metrics"/> instruments of the meter <c>Kuzzle.Realtime</c>, so
/// <c>dotnet-counters</c> and OpenTelemetry read the same figures the Prometheus page and <c>server:metrics</c> show.
/// Observable instruments: the hot paths keep their plain interlocked counters and pay nothing for a listener.
/// </summary>
public sealed class KuzzleInstruments
{
    /// <summary>Name of the meter (what <c>dotnet-counters monitor --counters</c> and OpenTelemetry's <c>AddMeter</c> take).</summary>
    public const string MeterName = "Kuzzle.Realtime";

    /// <summary>Creates the meter and its instruments from the host's meter factory.</summary>
    public KuzzleInstruments(IMeterFactory meters, ApiMetrics metrics, RequestGate gate, IRealtimeStatistics realtime, ClusterMetrics? cluster = null)
    {
        ArgumentNullException.ThrowIfNull(meters);
        Meter = meters.Create(MeterName);
        Meter.CreateObservableUpDownCounter("kuzzle.connections", () => PerProtocol(metrics, p => p.Connections), "{connection}", "Live connections per protocol.");
        Meter.CreateObservableCounter("kuzzle.requests.completed", () => PerProtocol(metrics, p => p.Completed), "{request}", "Requests answered with success, per protocol.");
        Meter.CreateObservableCounter("kuzzle.requests.failed", () => PerProtocol(metrics, p => p.Failed), "{request}", "Requests answered with an error, per protocol.");
        Meter.CreateObservableCounter("kuzzle.action.requests", () => metrics.Actions.Select(a => ForAction(a.Total, a.Controller, a.Action)), "{request}", "Requests per API action.");
        Meter.CreateObservableCounter("kuzzle.action.errors", () => metrics.Actions.Select(a => ForAction(a.Failed, a.Controller, a.Action)), "{request}", "Failed requests per API action.");
        Meter.CreateObservableCounter("kuzzle.errors", () => metrics.Errors.Select(e => new Measurement<long>(e.Count, new KeyValuePair<string, object?>("id", e.Id))), "{error}", "Errors per error id.");
        Meter.CreateObservableUpDownCounter("kuzzle.requests.executing", () => (long)gate.Executing, "{request}", "Requests executing now.");
        Meter.CreateObservableUpDownCounter("kuzzle.requests.pending", () => (long)gate.Pending, "{request}", "Requests waiting for an execution slot.");
        Meter.CreateObservableCounter("kuzzle.connections.rejected", () => metrics.RejectedConnections, "{connection}", "Connections refused by the connection limit.");
        Meter.CreateObservableCounter("kuzzle.slow_consumers.closed", () => metrics.SlowConsumersClosed, "{connection}", "Sockets closed because their send queue overflowed.");
        Meter.CreateObservableUpDownCounter("kuzzle.realtime.rooms", () => (long)realtime.Rooms, "{room}", "Realtime rooms.");
        Meter.CreateObservableUpDownCounter("kuzzle.realtime.subscriptions", () => (long)realtime.Subscriptions, "{subscription}", "Realtime subscriptions.");
        if (cluster is not null)
        {
            Meter.CreateObservableCounter("kuzzle.cluster.sent", () => cluster.Sent, "{message}", "Cross-node messages sent to Redis.");
            Meter.CreateObservableCounter("kuzzle.cluster.received", () => cluster.Received, "{message}", "Cross-node messages received from other nodes.");
            Meter.CreateObservableCounter("kuzzle.cluster.publish_dropped", () => cluster.Dropped, "{message}", "Cross-node messages given up (outage buffer full or too old, or lost in flight).");
            Meter.CreateObservableUpDownCounter("kuzzle.cluster.buffered", () => cluster.Buffered, "{message}", "Cross-node messages waiting to be sent.");
            Meter.CreateObservableCounter("kuzzle.cluster.resyncs", () => cluster.Resyncs, "{resync}", "Full rewrites of this node's room counts in Redis.");
        }
    }

    /// <summary>This server's meter (one per host: two servers in one process have two meters).</summary>
    public Meter Meter { get; }

    private static IEnumerable<Measurement<long>> PerProtocol(ApiMetrics metrics, Func<ApiMetrics.ProtocolCounters, long> value) =>
        metrics.Protocols.Select(p => new Measurement<long>(value(p), new KeyValuePair<string, object?>("protocol", p.Name)));

    private static Measurement<long> ForAction(long value, string controller, string action) =>
        new(value, new KeyValuePair<string, object?>("controller", controller), new KeyValuePair<string, object?>("action", action));
}

using System.Globalization;
using System.Text;
using Kuzzle.Realtime.Server.Api;

namespace Kuzzle.Realtime.Server.Diagnostics;

/// <summary>Realtime figures other components expose to metrics (rooms, subscriptions).</summary>
public interface IRealtimeStatistics
{
    /// <summary>Rooms on this node.</summary>
    int Rooms { get; }

    /// <summary>Subscriptions on this node.</summary>
    int Subscriptions { get; }
}

/// <summary>Renders the counters in the Prometheus text exposition format (version 0.0.4).</summary>
public sealed class PrometheusExporter(ApiMetrics metrics, RequestGate gate, IRealtimeStatistics realtime, Cluster.ClusterMetrics? cluster = null)
{
    /// <summary>The metrics page.</summary>
    public string Render()
    {
        var sb = new StringBuilder(2048);
        PerProtocol(sb, "gauge", "kuzzle_connections", "Live connections per protocol.", p => p.Connections);
        PerProtocol(sb, "counter", "kuzzle_requests_completed_total", "Requests answered with success, per protocol.", p => p.Completed);
        PerProtocol(sb, "counter", "kuzzle_requests_failed_total", "Requests answered with an error, per protocol.", p => p.Failed);

        Header(sb, "counter", "kuzzle_action_requests_total", "Requests per API action.");
        foreach (var (controller, action, total, _) in metrics.Actions)
        {
            sb.Append(CultureInfo.InvariantCulture, $"kuzzle_action_requests_total{{controller=\"{controller}\",action=\"{action}\"}} {total}\n");
        }

        Header(sb, "counter", "kuzzle_action_errors_total", "Failed requests per API action.");
        foreach (var (controller, action, _, failed) in metrics.Actions)
        {
            sb.Append(CultureInfo.InvariantCulture, $"kuzzle_action_errors_total{{controller=\"{controller}\",action=\"{action}\"}} {failed}\n");
        }

        Header(sb, "counter", "kuzzle_errors_total", "Errors per error id.");
        foreach (var (id, count) in metrics.Errors)
        {
            sb.Append(CultureInfo.InvariantCulture, $"kuzzle_errors_total{{id=\"{id}\"}} {count}\n");
        }

        Single(sb, "gauge", "kuzzle_requests_executing", "Requests executing now.", gate.Executing);
        Single(sb, "gauge", "kuzzle_requests_pending", "Requests waiting for an execution slot.", gate.Pending);
        Single(sb, "counter", "kuzzle_connections_rejected_total", "Connections refused by the connection limit.", metrics.RejectedConnections);
        Single(sb, "counter", "kuzzle_slow_consumers_closed_total", "Sockets closed because their send queue overflowed.", metrics.SlowConsumersClosed);
        Single(sb, "gauge", "kuzzle_realtime_rooms", "Realtime rooms.", realtime.Rooms);
        Single(sb, "gauge", "kuzzle_realtime_subscriptions", "Realtime subscriptions.", realtime.Subscriptions);
        if (cluster is not null)
        {
            Single(sb, "counter", "kuzzle_cluster_sent_total", "Cross-node messages sent to Redis.", cluster.Sent);
            Single(sb, "counter", "kuzzle_cluster_received_total", "Cross-node messages received from other nodes.", cluster.Received);
            Single(sb, "counter", "kuzzle_cluster_publish_dropped_total", "Cross-node messages given up (outage buffer full or too old, or lost in flight).", cluster.Dropped);
            Single(sb, "gauge", "kuzzle_cluster_buffered", "Cross-node messages waiting to be sent.", cluster.Buffered);
            Single(sb, "counter", "kuzzle_cluster_resyncs_total", "Full rewrites of this node's room counts in Redis.", cluster.Resyncs);
        }

        Single(sb, "gauge", "process_working_set_bytes", "Resident memory of the process.", Environment.WorkingSet);
        return sb.ToString();
    }

    private void PerProtocol(StringBuilder sb, string type, string name, string help, Func<ApiMetrics.ProtocolCounters, long> value)
    {
        Header(sb, type, name, help);
        foreach (var p in metrics.Protocols)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{name}{{protocol=\"{p.Name}\"}} {value(p)}\n");
        }
    }

    private static void Single(StringBuilder sb, string type, string name, string help, long value)
    {
        Header(sb, type, name, help);
        sb.Append(CultureInfo.InvariantCulture, $"{name} {value}\n");
    }

    private static void Header(StringBuilder sb, string type, string name, string help) =>
        sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");
}

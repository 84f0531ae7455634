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
public sealed class PrometheusExporter(ApiMetrics metrics, RequestGate gate, IRealtimeStatistics realtime)
{
    /// <summary>The metrics page.</summary>
    public string Render()
    {
        var sb = new StringBuilder(2048);
        Gauge(sb, "kuzzle_connections", "Live connections per protocol.");
        foreach (var p in metrics.Protocols)
        {
            sb.Append(CultureInfo.InvariantCulture, $"kuzzle_connections{{protocol=\"{p.Name}\"}} {p.Connections}\n");
        }

        Counter(sb, "kuzzle_requests_completed_total", "Requests answered with success, per protocol.");
        foreach (var p in metrics.Protocols)
        {
            sb.Append(CultureInfo.InvariantCulture, $"kuzzle_requests_completed_total{{protocol=\"{p.Name}\"}} {p.Completed}\n");
        }

        Counter(sb, "kuzzle_requests_failed_total", "Requests answered with an error, per protocol.");
        foreach (var p in metrics.Protocols)
        {
            sb.Append(CultureInfo.InvariantCulture, $"kuzzle_requests_failed_total{{protocol=\"{p.Name}\"}} {p.Failed}\n");
        }

        Counter(sb, "kuzzle_action_requests_total", "Requests per API action.");
        foreach (var (controller, action, total, _) in metrics.Actions)
        {
            sb.Append(CultureInfo.InvariantCulture, $"kuzzle_action_requests_total{{controller=\"{controller}\",action=\"{action}\"}} {total}\n");
        }

        Counter(sb, "kuzzle_action_errors_total", "Failed requests per API action.");
        foreach (var (controller, action, _, failed) in metrics.Actions)
        {
            sb.Append(CultureInfo.InvariantCulture, $"kuzzle_action_errors_total{{controller=\"{controller}\",action=\"{action}\"}} {failed}\n");
        }

        Counter(sb, "kuzzle_errors_total", "Errors per error id.");
        foreach (var (id, count) in metrics.Errors)
        {
            sb.Append(CultureInfo.InvariantCulture, $"kuzzle_errors_total{{id=\"{id}\"}} {count}\n");
        }

        Gauge(sb, "kuzzle_requests_executing", "Requests executing now.");
        sb.Append(CultureInfo.InvariantCulture, $"kuzzle_requests_executing {gate.Executing}\n");
        Gauge(sb, "kuzzle_requests_pending", "Requests waiting for an execution slot.");
        sb.Append(CultureInfo.InvariantCulture, $"kuzzle_requests_pending {gate.Pending}\n");
        Counter(sb, "kuzzle_connections_rejected_total", "Connections refused by the connection limit.");
        sb.Append(CultureInfo.InvariantCulture, $"kuzzle_connections_rejected_total {metrics.RejectedConnections}\n");
        Counter(sb, "kuzzle_slow_consumers_closed_total", "Sockets closed because their send queue overflowed.");
        sb.Append(CultureInfo.InvariantCulture, $"kuzzle_slow_consumers_closed_total {metrics.SlowConsumersClosed}\n");
        Gauge(sb, "kuzzle_realtime_rooms", "Realtime rooms.");
        sb.Append(CultureInfo.InvariantCulture, $"kuzzle_realtime_rooms {realtime.Rooms}\n");
        Gauge(sb, "kuzzle_realtime_subscriptions", "Realtime subscriptions.");
        sb.Append(CultureInfo.InvariantCulture, $"kuzzle_realtime_subscriptions {realtime.Subscriptions}\n");
        Gauge(sb, "process_working_set_bytes", "Resident memory of the process.");
        sb.Append(CultureInfo.InvariantCulture, $"process_working_set_bytes {Environment.WorkingSet}\n");
        return sb.ToString();
    }

    private static void Gauge(StringBuilder sb, string name, string help) =>
        sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n");

    private static void Counter(StringBuilder sb, string name, string help) =>
        sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n");
}

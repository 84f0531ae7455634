using System.Globalization;
using Kuzzle.Realtime.Bench.Cli;
using Kuzzle.Realtime.Bench.Hosting;
using Kuzzle.Realtime.Bench.Report;

namespace Kuzzle.Realtime.Bench.Fanout;

/// <summary>
/// Realtime fan-out on one node: N sockets subscribe to one room, one publisher publishes M messages one after the other (each waits
/// until every subscriber received it), and the run reports delivered frames per second, frames per server CPU-second (per core),
/// and the publish-to-delivery latency percentiles.
/// </summary>
public static class FanoutCommand
{
    public static async Task<int> RunAsync(CommandLine cli, CancellationToken cancellationToken)
    {
        var subscribers = cli.Number("subscribers", 10_000, 1, 9_000 * 2);
        var messages = cli.Number("messages", 50, 1, 10_000);
        var ramp = cli.Number("ramp", 200, 1, 1_000);
        var timeout = TimeSpan.FromSeconds(cli.Seconds("timeout", 30, 1, 600));
        var dll = cli.Text("server-dll");
        cli.EnsureAllRead();

        using var server = await ServerProcess.StartAsync(ServerKind.Kuzzle, dll, cancellationToken);
        Console.WriteLine($"server pid {server.Pid} on {server.Url}; connecting {subscribers} subscribers ({ramp} at a time)");
        var result = await FanoutRound.RunAsync(server.Url, server.Url, "fanout", subscribers, messages, ramp, timeout, [server.Pid], cancellationToken);

        var table = Table();
        AddRow(table, "one node", result);
        Console.WriteLine(table);
        var perCore = result.CpuSeconds > 0 ? result.Delivered / result.CpuSeconds : 0;
        Console.WriteLine($"frames per server CPU-second = {perCore:N0}; target ≥ 25,000: {(perCore >= 25_000 && result.Missing == 0 ? "MET" : "NOT MET")}");
        return result.Missing == 0 ? 0 : 1;
    }

    /// <summary>The fan-out summary table (one row per round).</summary>
    internal static TextTable Table() =>
        new("round", "subscribers", "messages", "delivered", "missing", "frames/s", "server cpu s", "frames per cpu-s", "p50 ms", "p99 ms", "p99.9 ms");

    internal static void AddRow(TextTable table, string name, FanoutResult r) => table.Add(
        name, Invariant(r.Subscribers), Invariant(r.Messages), Invariant(r.Delivered), Invariant(r.Missing),
        r.FramesPerSecond.ToString("N0", CultureInfo.InvariantCulture),
        r.CpuSeconds.ToString("0.00", CultureInfo.InvariantCulture),
        r.CpuSeconds > 0 ? (r.Delivered / r.CpuSeconds).ToString("N0", CultureInfo.InvariantCulture) : "n/a",
        Ms(r.Latency.Percentile(0.50)), Ms(r.Latency.Percentile(0.99)), Ms(r.Latency.Percentile(0.999)));

    internal static string Ms(double micros) => (micros / 1000).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}

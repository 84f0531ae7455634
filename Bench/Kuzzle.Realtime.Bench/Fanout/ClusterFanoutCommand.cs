using System.Globalization;
using Kuzzle.Realtime.Bench.Cli;
using Kuzzle.Realtime.Bench.Hosting;

namespace Kuzzle.Realtime.Bench.Fanout;

/// <summary>
/// Cross-node realtime (issue 7): a standalone node for the single-node figure, then two nodes sharing a redis-server, all on this
/// machine. Rounds, same subscriber count: one node alone; cluster with subscribers and publisher on node A; cluster with
/// subscribers on node B and the publisher on node A. Then revocation propagation: logout on A, time until B refuses the token.
/// </summary>
public static class ClusterFanoutCommand
{
    public static async Task<int> RunAsync(CommandLine cli, CancellationToken cancellationToken)
    {
        var subscribers = cli.Number("subscribers", 1_000, 1, 9_000);
        var messages = cli.Number("messages", 200, 1, 10_000);
        var ramp = cli.Number("ramp", 200, 1, 1_000);
        var samples = cli.Number("revocations", 100, 0, 10_000);
        var timeout = TimeSpan.FromSeconds(cli.Seconds("timeout", 30, 1, 600));
        var dll = cli.Text("server-dll");
        cli.EnsureAllRead();

        var table = FanoutCommand.Table();
        FanoutResult single;
        using (var alone = await ServerProcess.StartAsync(ServerKind.Kuzzle, dll, cancellationToken))
        {
            Console.WriteLine($"single node pid {alone.Pid}: {subscribers} subscribers, {messages} publishes");
            single = await FanoutRound.RunAsync(alone.Url, alone.Url, "single", subscribers, messages, ramp, timeout, [alone.Pid], cancellationToken);
        }

        using var redis = await RedisProcess.StartAsync(cancellationToken);
        using var a = await ServerProcess.StartAsync(ServerKind.Kuzzle, dll, cancellationToken, ["--redis", redis.ConnectionString, "--node-id", "a"]);
        using var b = await ServerProcess.StartAsync(ServerKind.Kuzzle, dll, cancellationToken, ["--redis", redis.ConnectionString, "--node-id", "b"]);
        Console.WriteLine($"cluster: redis on {redis.Port}, node a pid {a.Pid}, node b pid {b.Pid}");
        int[] pids = [a.Pid, b.Pid, redis.Pid];
        var local = await FanoutRound.RunAsync(a.Url, a.Url, "local", subscribers, messages, ramp, timeout, pids, cancellationToken);
        var cross = await FanoutRound.RunAsync(b.Url, a.Url, "cross", subscribers, messages, ramp, timeout, pids, cancellationToken);

        FanoutCommand.AddRow(table, "one node alone", single);
        FanoutCommand.AddRow(table, "cluster, A -> A", local);
        FanoutCommand.AddRow(table, "cluster, A -> B", cross);
        Console.WriteLine(table);
        Console.WriteLine("(server cpu s of cluster rounds = both nodes + redis)");
        Console.WriteLine(
            $"cross-node / single-node: frames/s x{Ratio(cross.FramesPerSecond, single.FramesPerSecond)}, "
            + $"p99 latency x{Ratio(cross.Latency.Percentile(0.99), single.Latency.Percentile(0.99))}");

        var failed = single.Missing + local.Missing + cross.Missing > 0;
        if (samples > 0)
        {
            var revocation = await RevocationProbe.RunAsync(a.Url, b.Url, samples, timeout, cancellationToken);
            Console.WriteLine(
                $"revocation (logout on A -> B refuses the token), {revocation.Samples} samples: p50 {FanoutCommand.Ms(revocation.Delay.Percentile(0.5))} ms, "
                + $"p99 {FanoutCommand.Ms(revocation.Delay.Percentile(0.99))} ms, max {FanoutCommand.Ms(revocation.Delay.Percentile(1))} ms; "
                + $"not seen within {timeout.TotalSeconds} s: {revocation.Missed}; target p99 <= 100 ms: {(revocation.Missed == 0 && revocation.Delay.Percentile(0.99) <= 100_000 ? "MET" : "NOT MET")}");
            failed |= revocation.Missed > 0;
        }

        return failed ? 1 : 0;
    }

    private static string Ratio(double value, double reference) =>
        reference > 0 ? (value / reference).ToString("0.00", CultureInfo.InvariantCulture) : "n/a";
}

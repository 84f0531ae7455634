using Kuzzle.Realtime.Bench.Cli;
using Kuzzle.Realtime.Bench.Idle;
using Kuzzle.Realtime.Bench.Load;
using Kuzzle.Realtime.Bench.Procfs;
using Kuzzle.Realtime.Bench.Report;

namespace Kuzzle.Realtime.Bench.Commands;

/// <summary><c>idle</c>: RSS growth per idle socket of a running server; <c>idle-client</c> is its child side.</summary>
public static class IdleCommand
{
    public static async Task<int> RunAsync(CommandLine cli, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var url = WebSocketConnector.ParseLoopbackUrl(cli.Text("target") ?? throw new UsageException("--target ws://127.0.0.1:P/ is required"));
        var pid = cli.Text("server-pid") is null
            ? ListenerLookup.PidListeningOn(url.Port) ?? throw new UsageException($"no process found listening on port {url.Port}; pass --server-pid")
            : cli.Number("server-pid", 0, 1);
        var options = ReadOptions(cli, url, pid);
        var json = cli.Text("json");
        cli.EnsureAllRead();

        Console.WriteLine($"idle {url} server-pid={pid} connections={options.Connections} per-process={options.PerProcess}");
        var result = await IdleRunner.MeasureAsync(options, cancellationToken);
        Console.WriteLine();
        Console.Write(IdleTable.Render([result]));
        await JsonReport.WriteAsync(json, "idle", args, new[] { result });
        return 0;
    }

    public static Task<int> RunClientAsync(CommandLine cli, CancellationToken cancellationToken)
    {
        var url = WebSocketConnector.ParseLoopbackUrl(cli.Text("url") ?? throw new UsageException("--url is required"));
        var connections = cli.Number("connections", 1000, 1, 9000);
        var ramp = cli.Number("ramp", 100, 1, 5000);
        var hold = TimeSpan.FromSeconds(cli.Seconds("hold", 600, 1, 3600));
        cli.EnsureAllRead();
        return IdleClient.RunAsync(url, connections, ramp, hold, cancellationToken);
    }

    /// <summary>Options shared by <c>idle</c> and <c>compare-idle</c>.</summary>
    public static IdleOptions ReadOptions(CommandLine cli, Uri url, int pid) => new()
    {
        Url = url,
        ServerPid = pid,
        Connections = cli.Number("connections", 5000, 1, 60000),
        // ~9,000 sockets per process at most: each is an fd, and the limit of 20,000 cannot be raised.
        PerProcess = cli.Number("per-process", 7500, 100, 9000),
        Ramp = cli.Number("ramp", 100, 1, 5000),
        WarmupConnections = cli.Number("warmup-connections", 200, 0, 5000),
        SettleSeconds = cli.Seconds("settle", 5, 1, 50),
    };
}

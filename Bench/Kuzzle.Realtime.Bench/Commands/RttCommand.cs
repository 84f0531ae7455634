using Kuzzle.Realtime.Bench.Cli;
using Kuzzle.Realtime.Bench.Load;
using Kuzzle.Realtime.Bench.Procfs;
using Kuzzle.Realtime.Bench.Report;

namespace Kuzzle.Realtime.Bench.Commands;

/// <summary><c>rtt</c>: closed-loop round trips against a running server.</summary>
public static class RttCommand
{
    public static async Task<int> RunAsync(CommandLine cli, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var url = WebSocketConnector.ParseLoopbackUrl(cli.Text("url", "ws://127.0.0.1:7512/"));
        var pidText = cli.Text("server-pid");
        int? pid = pidText is null ? ListenerLookup.PidListeningOn(url.Port) : cli.Number("server-pid", 0, 1);
        var options = ReadOptions(cli, url, pid);
        var json = cli.Text("json");
        cli.EnsureAllRead();

        Console.WriteLine($"rtt {url} connections={options.Connections} ramp={options.Ramp} warmup={options.WarmupSeconds}s duration={options.DurationSeconds}s server-pid={(pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown")}");
        var result = await RttRunner.RunAsync(options, cancellationToken);
        Console.WriteLine();
        Console.Write(RttTable.Render([result]));
        await JsonReport.WriteAsync(json, "rtt", args, new[] { result });
        return 0;
    }

    /// <summary>Options shared by <c>rtt</c> and <c>compare</c>.</summary>
    public static RttOptions ReadOptions(CommandLine cli, Uri url, int? serverPid, int connections = 100, double duration = 10, double warmup = 2, double quietWait = 0) => new()
    {
        Url = url,
        ServerPid = serverPid,
        Connections = cli.Number("connections", connections, 1, 9000),
        Ramp = cli.Number("ramp", 100, 1, 5000),
        DurationSeconds = cli.Seconds("duration", duration, 0.5, 600),
        WarmupSeconds = cli.Seconds("warmup", warmup, 0, 120),
        Payload = cli.Text("payload", PayloadTemplate.ServerNow),
        RequestTimeoutSeconds = cli.Seconds("timeout", 5, 0.1, 60),
        Progress = !cli.Flag("quiet"),
        QuietWaitSeconds = cli.Seconds("quiet-wait", quietWait, 0, 600),
    };
}

using Kuzzle.Realtime.Bench.Cli;
using Kuzzle.Realtime.Bench.Hosting;
using Kuzzle.Realtime.Bench.Idle;
using Kuzzle.Realtime.Bench.Report;

namespace Kuzzle.Realtime.Bench.Commands;

/// <summary>
/// <c>compare-idle</c>: per-socket memory of the echo baseline and of the Kuzzle server in one run. Each
/// measurement gets a fresh server (launched the same way), so neither inherits the other's heap.
/// </summary>
public static class CompareIdleCommand
{
    private const double TargetExtraKiB = 2.0;

    public static async Task<int> RunAsync(CommandLine cli, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var rounds = cli.Number("rounds", 1, 1, 5);
        var serverDll = cli.Text("server-dll");
        var template = IdleCommand.ReadOptions(cli, new Uri("ws://127.0.0.1/"), 0);
        var json = cli.Text("json");
        cli.EnsureAllRead();

        // Fail before the long echo run if the Kuzzle build is missing.
        _ = serverDll ?? KuzzleServerLocator.Find();

        var results = new List<IdleResult>();
        for (var round = 1; round <= rounds; round++)
        {
            var order = round % 2 == 1 ? new[] { ServerKind.Echo, ServerKind.Kuzzle } : [ServerKind.Kuzzle, ServerKind.Echo];
            foreach (var kind in order)
            {
                using var server = await ServerProcess.StartAsync(kind, serverDll, cancellationToken);
                Console.WriteLine($"{server.Name} pid {server.Pid} port {server.Port}");
                var options = template with { Url = server.Url, ServerPid = server.Pid, Label = $"{server.Name} #{round}" };
                results.Add(await IdleRunner.MeasureAsync(options, cancellationToken));
            }
        }

        Console.WriteLine();
        Console.Write(IdleTable.Render(results));
        var echo = results.Where(r => r.Label.StartsWith("echo", StringComparison.Ordinal)).Average(r => r.KiBPerConnection);
        var kuzzle = results.Where(r => r.Label.StartsWith("kuzzle", StringComparison.Ordinal)).Average(r => r.KiBPerConnection);
        var closed = results.Sum(r => r.ClosedByServer + r.Failed);
        Console.WriteLine();
        Console.WriteLine($"echo {Formats.Fixed(echo, 2)} KiB/conn, kuzzle {Formats.Fixed(kuzzle, 2)} KiB/conn, difference {Formats.Fixed(kuzzle - echo, 2)} KiB/conn; target ≤ +{Formats.Fixed(TargetExtraKiB, 1)}: {(kuzzle - echo <= TargetExtraKiB && closed == 0 ? "MET" : "NOT MET")}");
        await JsonReport.WriteAsync(json, "compare-idle", args, new { echoKiBPerConnection = echo, kuzzleKiBPerConnection = kuzzle, differenceKiB = kuzzle - echo, runs = results });
        return 0;
    }
}

using Kuzzle.Realtime.Bench.Cli;
using Kuzzle.Realtime.Bench.Commands;
using Kuzzle.Realtime.Bench.Hosting;
using Kuzzle.Realtime.Bench.Koncorde;

namespace Kuzzle.Realtime.Bench;

/// <summary>Entry point: one exe, one subcommand per measurement (see Bench/README.md).</summary>
public static class Program
{
    private const string Usage = """
        usage: Kuzzle.Realtime.Bench <command> [--option value ...]
          echo-server   --port P                              raw Kestrel WebSocket echo (the baseline)
          rtt           --url ws://127.0.0.1:P/ --connections N --ramp R --warmup W --duration S
                        [--payload '<json with {id}>'] [--server-pid PID] [--timeout T] [--json out.json]
          compare       --connections 1000 --duration 10 [--rounds 2] [--server-dll PATH] [--json out.json]
          idle          --target ws://127.0.0.1:P/ --connections 15000 [--server-pid PID] [--per-process 7500] [--json out.json]
          compare-auth  --connections 1000 --duration 10 [--rounds 2] [--store embedded,redis] [--server-dll PATH] [--json out.json]
          compare-idle  --connections 15000 [--rounds 1] [--server-dll PATH] [--json out.json]
          koncorde      filter-engine micro-benchmarks
          fanout        --subscribers 10000 --messages 50 [--ramp 200] [--server-dll PATH]
          burst         --subscribers 1000 --rooms 5 --publishes 200 [--ramp 100] [--timeout 60] [--server-dll PATH]
                        N subscribers x R rooms, P publishes pipelined: delivered/expected, disconnects, frames per CPU-s
          cluster-fanout  --subscribers 1000 --messages 200 [--revocations 100] [--ramp 200] [--server-dll PATH]
                        one node alone vs two nodes + redis (A -> A, A -> B); revocation delay A -> B
          pipeline      per-request time and allocations of parse → funnel → envelope [--iterations N]
          hashing       password hashing rate [--hashes N] [--threads 1,2] [--only sodium|managed]
          auth          login rate vs raw argon2id rate, heap across logins, token-check cost [--logins N] [--checks N]
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        var command = args[0];
        var rest = args[1..];
        if (command == "koncorde")
        {
            // Starts no server or client process: plain Ctrl-C handling is right for it.
            return await KoncordeBench.RunAsync(rest);
        }

        if (command == "pipeline")
        {
            return await Pipeline.PipelineBench.RunAsync(rest);
        }

        if (command == "auth")
        {
            return await Auth.AuthBench.RunAsync(rest);
        }

        if (command == "hashing")
        {
            return await Hashing.HashingBench.RunAsync(rest);
        }

        ChildProcessRegistry.Install();
        var ct = ChildProcessRegistry.ShutdownToken;
        try
        {
            var cli = new CommandLine(rest);
            return command switch
            {
                "echo-server" => await RunEchoServerAsync(cli, ct),
                "rtt" => await RttCommand.RunAsync(cli, rest, ct),
                "compare" => await CompareCommand.RunAsync(cli, rest, ct),
                "idle" => await IdleCommand.RunAsync(cli, rest, ct),
                "idle-client" => await IdleCommand.RunClientAsync(cli, ct),
                "compare-idle" => await CompareIdleCommand.RunAsync(cli, rest, ct),
                "compare-auth" => await CompareAuthCommand.RunAsync(cli, rest, ct),
                "fanout" => await Fanout.FanoutCommand.RunAsync(cli, ct),
                "burst" => await Fanout.BurstCommand.RunAsync(cli, ct),
                "cluster-fanout" => await Fanout.ClusterFanoutCommand.RunAsync(cli, ct),
                _ => throw new UsageException($"unknown command '{command}'"),
            };
        }
        catch (UsageException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}{Environment.NewLine}{Usage}");
            return 2;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("cancelled");
            return 130;
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or FileNotFoundException or System.Net.WebSockets.WebSocketException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
        finally
        {
            ChildProcessRegistry.KillAll();
        }
    }

    private static Task<int> RunEchoServerAsync(CommandLine cli, CancellationToken cancellationToken)
    {
        var port = cli.Number("port", 5080, 1, 65535);
        cli.EnsureAllRead();
        return EchoServer.RunAsync(port, cancellationToken);
    }
}

using Kuzzle.Realtime.Bench.Cli;
using Kuzzle.Realtime.Bench.Hosting;
using Kuzzle.Realtime.Bench.Load;
using Kuzzle.Realtime.Bench.Report;

namespace Kuzzle.Realtime.Bench.Commands;

/// <summary>
/// <c>compare</c>: the echo baseline and the Kuzzle server, launched the same way, measured alternately
/// (A B, then B A, ...) in one run so drift and background load hit both; prints Kuzzle rt/s ÷ echo rt/s.
/// </summary>
public static class CompareCommand
{
    private const double Target = 0.80;
    private const double OtherLoadWarning = 0.3;

    public static async Task<int> RunAsync(CommandLine cli, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var rounds = cli.Number("rounds", 2, 2, 10); // At least A B then B A: drift and background load hit both sides.
        var serverDll = cli.Text("server-dll");
        var warmupConnections = cli.Number("warmup-connections", 50, 1, 1000);
        var warmupSeconds = cli.Seconds("server-warmup", 8, 0, 60);
        var json = cli.Text("json");
        var template = ReadTemplate(cli);
        cli.EnsureAllRead();

        using var echo = await ServerProcess.StartAsync(ServerKind.Echo, null, cancellationToken);
        using var kuzzle = await ServerProcess.StartAsync(ServerKind.Kuzzle, serverDll, cancellationToken);
        Console.WriteLine($"echo pid {echo.Pid} port {echo.Port}; kuzzle pid {kuzzle.Pid} port {kuzzle.Port}");
        await ProbeAsync(kuzzle, template.Payload, cancellationToken);

        // Same JIT/pool warm-up for both before any measured round. A profile of the Kuzzle server still showed ~11 %
        // of its CPU in the JIT 5-13 s after start (tiered PGO over a larger code base), hence 8 s by default.
        foreach (var server in new[] { echo, kuzzle })
        {
            if (warmupSeconds > 0)
            {
                await RttRunner.RunAsync(template with { Url = server.Url, ServerPid = server.Pid, Connections = warmupConnections, WarmupSeconds = 0, DurationSeconds = warmupSeconds, QuietWaitSeconds = 0, Label = server.Name + " jit-warmup", Progress = false }, cancellationToken);
            }
        }

        var results = new List<RttResult>();
        for (var round = 1; round <= rounds; round++)
        {
            var order = round % 2 == 1 ? new[] { echo, kuzzle } : [kuzzle, echo];
            foreach (var server in order)
            {
                var options = template with { Url = server.Url, ServerPid = server.Pid, Label = $"{server.Name} #{round}" };
                results.Add(await RttRunner.RunAsync(options, cancellationToken));
                ThrowIfDead(server);
            }
        }

        Console.WriteLine();
        Console.Write(RttTable.Render(results));
        var summary = Summarize(results);
        Console.WriteLine();
        Console.WriteLine($"echo   {Formats.Count(summary.EchoRoundTripsPerSecond)} rt/s, {Formats.Fixed(summary.EchoServerMicros, 1)} server µs/rt");
        Console.WriteLine($"kuzzle {Formats.Count(summary.KuzzleRoundTripsPerSecond)} rt/s, {Formats.Fixed(summary.KuzzleServerMicros, 1)} server µs/rt, {Formats.Count(summary.KuzzleErrors)} errors");
        Console.WriteLine($"server CPU per round trip, echo ÷ kuzzle = {Formats.Fixed(summary.CpuRatio, 3)} (steadier than rt/s when other work shares the cores)");
        if (summary.OtherCores > OtherLoadWarning)
        {
            Console.WriteLine($"WARNING: other processes used {Formats.Fixed(summary.OtherCores, 2)} cores on average during the windows; rt/s ratios are unreliable, rerun on a quiet machine");
        }

        Console.WriteLine($"ratio kuzzle ÷ echo = {Formats.Fixed(summary.Ratio, 3)} (per round: {string.Join(", ", summary.RoundRatios.Select(r => Formats.Fixed(r, 3)))}); target ≥ {Formats.Fixed(Target, 2)}: {(summary.Ratio >= Target && summary.KuzzleErrors == 0 ? "MET" : "NOT MET")}");
        await JsonReport.WriteAsync(json, "compare", args, new { summary, runs = results });
        return 0;
    }

    internal static RttOptions ReadTemplate(CommandLine cli) =>
        RttCommand.ReadOptions(cli, new Uri("ws://127.0.0.1/"), null, connections: 1000, duration: 10, warmup: 2, quietWait: 20);

    /// <summary>One request before measuring, so a server that rejects the payload fails fast with its answer shown.</summary>
    internal static async Task ProbeAsync(ServerProcess server, string payload, CancellationToken cancellationToken)
    {
        using var socket = await WebSocketConnector.ConnectAsync(server.Url, TimeSpan.FromSeconds(5), cancellationToken);
        var message = System.Text.Encoding.UTF8.GetBytes(payload.Replace(PayloadTemplate.Placeholder, "probe-1", StringComparison.Ordinal));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(5));
        await socket.SendAsync(message, System.Net.WebSockets.WebSocketMessageType.Text, true, cts.Token);
        var buffer = new byte[64 * 1024];
        var received = await socket.ReceiveAsync(buffer, cts.Token);
        var reply = System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count);
        Console.WriteLine($"{server.Name} probe reply: {reply}");
        try
        {
            await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, cts.Token);
        }
        catch (System.Net.WebSockets.WebSocketException)
        {
            // The reply was what mattered; how the server ends the handshake is not measured here.
        }
    }

    private static void ThrowIfDead(ServerProcess server)
    {
        if (!Procfs.ProcStats.IsAlive(server.Pid))
        {
            throw new InvalidOperationException($"{server.Name} server died during the run; its last output:{Environment.NewLine}{server.Tail()}");
        }
    }

    private static CompareSummary Summarize(List<RttResult> results)
    {
        static bool IsEcho(RttResult r) => r.Label.StartsWith("echo", StringComparison.Ordinal);
        var echo = results.Where(IsEcho).ToList();
        var kuzzle = results.Where(r => !IsEcho(r)).ToList();
        var echoRate = echo.Sum(r => r.RoundTrips) / echo.Sum(r => r.Seconds);
        var kuzzleRate = kuzzle.Sum(r => r.RoundTrips) / kuzzle.Sum(r => r.Seconds);
        return new CompareSummary
        {
            EchoRoundTripsPerSecond = echoRate,
            KuzzleRoundTripsPerSecond = kuzzleRate,
            Ratio = echoRate > 0 ? kuzzleRate / echoRate : double.NaN,
            RoundRatios = echo.Zip(kuzzle, (e, k) => e.RoundTripsPerSecond > 0 ? k.RoundTripsPerSecond / e.RoundTripsPerSecond : double.NaN).ToList(),
            EchoServerMicros = echo.Average(r => r.ServerMicrosPerRoundTrip ?? double.NaN),
            KuzzleServerMicros = kuzzle.Average(r => r.ServerMicrosPerRoundTrip ?? double.NaN),
            KuzzleErrors = kuzzle.Sum(r => r.Errors),
            OtherCores = results.Average(r => r.MachineCores - r.ClientCores - (r.ServerCores ?? 0)),
        };
    }

    /// <summary>Aggregates over all rounds: rates are total round trips over total measured seconds.</summary>
    public sealed record CompareSummary
    {
        public required double EchoRoundTripsPerSecond { get; init; }
        public required double KuzzleRoundTripsPerSecond { get; init; }
        public required double Ratio { get; init; }
        public required IReadOnlyList<double> RoundRatios { get; init; }
        public required double EchoServerMicros { get; init; }
        public required double KuzzleServerMicros { get; init; }
        public required long KuzzleErrors { get; init; }

        /// <summary>Busy cores not used by the bench or the server under test, averaged over the windows.</summary>
        public required double OtherCores { get; init; }

        /// <summary>Echo server µs/rt ÷ Kuzzle server µs/rt: 1.0 means the same CPU per round trip.</summary>
        public double CpuRatio => EchoServerMicros / KuzzleServerMicros;
    }
}

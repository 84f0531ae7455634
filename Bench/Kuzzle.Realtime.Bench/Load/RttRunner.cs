using System.Diagnostics;
using System.Globalization;
using Kuzzle.Realtime.Bench.Procfs;

namespace Kuzzle.Realtime.Bench.Load;

/// <summary>Runs one closed-loop round-trip measurement: connect, warm up, measure, stop, close.</summary>
public static class RttRunner
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(300);

    public static async Task<RttResult> RunAsync(RttOptions options, CancellationToken cancellationToken)
    {
        var template = PayloadTemplate.Parse(options.Payload);
        await QuietMachine.WaitAsync(options.QuietWaitSeconds, cancellationToken);
        var counters = new RttCounters();
        var loadBefore = ProcStats.LoadAverage();
        using var runCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var ramp = new SemaphoreSlim(options.Ramp);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var connections = Enumerable.Range(0, options.Connections)
            .Select(i => new RttConnection(i, options, counters, template, ramp))
            .ToArray();
        var tasks = connections.Select(c => Task.Run(() => c.RunAsync(start.Task, runCts.Token), CancellationToken.None)).ToArray();
        var watchdog = WatchdogAsync(connections, options.RequestTimeoutSeconds, runCts.Token);
        var progress = new ProgressLine(options, counters);

        try
        {
            // Connect phase, bounded: even failing connects must end (one timeout per ramp slot, plus 50/s).
            var connectLimit = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds + (options.Connections / 50.0));
            var connectWatch = Stopwatch.StartNew();
            var nextPrint = Tick;
            while (counters.AttemptedConnections < options.Connections && connectWatch.Elapsed < connectLimit)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
                if (connectWatch.Elapsed >= nextPrint)
                {
                    progress.Print("connect");
                    nextPrint += Tick;
                }
            }

            Info(options, $"{counters.Open}/{options.Connections} connected in {connectWatch.Elapsed.TotalSeconds:F1} s, {counters.ConnectFailures} connect failures");

            if (counters.Open == 0)
            {
                throw new InvalidOperationException($"no connection to {options.Url} could be opened: {counters.FirstConnectError ?? "connect phase timed out"}");
            }

            start.SetResult();
            await progress.RunPhaseAsync("warmup", options.WarmupSeconds, cancellationToken);

            var client = new CpuMeter(Environment.ProcessId);
            var server = options.ServerPid is { } pid ? new CpuMeter(pid) : null;
            var machine = new MachineCpuMeter();
            var allocatedBefore = GC.GetTotalAllocatedBytes();
            var window = Stopwatch.StartNew();
            counters.SetPhase(RttCounters.PhaseMeasure);
            await progress.RunPhaseAsync("measure", options.DurationSeconds, cancellationToken);
            counters.SetPhase(RttCounters.PhaseStop);
            window.Stop();

            var machineCores = machine.ReadCores();
            var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
            var clientCpu = client.Read();
            var serverCpu = server?.Read();
            var serverMemory = options.ServerPid is { } p ? ProcStats.Memory(p) : null;
            var roundTrips = counters.RoundTrips;
            var openAtEnd = counters.Open;

            await DrainAsync(tasks, options.RequestTimeoutSeconds + 5);
            return new RttResult
            {
                Label = options.Label,
                Url = options.Url.ToString(),
                Connections = options.Connections,
                OpenAtEnd = openAtEnd,
                PayloadBytes = template.Length,
                Seconds = window.Elapsed.TotalSeconds,
                RoundTrips = roundTrips,
                P50Ms = counters.Latency.Percentile(0.50) / 1000,
                P99Ms = counters.Latency.Percentile(0.99) / 1000,
                P999Ms = counters.Latency.Percentile(0.999) / 1000,
                ErrorAnswers = counters.ErrorAnswers,
                ErrorFrames = counters.ErrorFrames,
                Closes = counters.Closes,
                Timeouts = counters.Timeouts,
                ConnectFailures = counters.ConnectFailures,
                ClientCores = clientCpu.Cores,
                ServerCores = serverCpu?.Cores,
                MachineCores = machineCores,
                ClientBytesPerRoundTrip = roundTrips > 0 ? allocated / (double)roundTrips : double.NaN,
                ServerMicrosPerRoundTrip = serverCpu is { } s && roundTrips > 0 ? s.CpuSeconds * 1e6 / roundTrips : null,
                ServerRssKiB = serverMemory?.RssKiB,
                LoadAverageBefore = loadBefore,
            };
        }
        finally
        {
            counters.SetPhase(RttCounters.PhaseStop);
            start.TrySetResult();
            await runCts.CancelAsync();
            await Task.WhenAny(Task.WhenAll(tasks), Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None));
            await watchdog;
        }
    }

    private static async Task DrainAsync(Task[] tasks, double seconds)
    {
        // Loops finish their pending round trip and close gracefully; the timeout bounds a stuck server.
        await Task.WhenAny(Task.WhenAll(tasks), Task.Delay(TimeSpan.FromSeconds(seconds), CancellationToken.None));
    }

    private static async Task WatchdogAsync(RttConnection[] connections, double timeoutSeconds, CancellationToken cancellationToken)
    {
        var timeoutTicks = (long)(timeoutSeconds * Stopwatch.Frequency);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = Stopwatch.GetTimestamp();
                foreach (var connection in connections)
                {
                    connection.CheckTimeout(now, timeoutTicks);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    internal static void Info(RttOptions options, string message)
    {
        if (options.Progress)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  [{options.Label}] {message}"));
        }
    }

    /// <summary>Once-a-second progress: throughput of the last second, open sockets, errors, CPU of both sides.</summary>
    private sealed class ProgressLine(RttOptions options, RttCounters counters)
    {
        private readonly CpuMeter _client = new(Environment.ProcessId);
        private readonly CpuMeter? _server = options.ServerPid is { } pid ? new CpuMeter(pid) : null;
        private long _lastRoundTrips;
        private long _lastTimestamp = Stopwatch.GetTimestamp();
        private double _elapsed;

        public async Task RunPhaseAsync(string phase, double seconds, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            var end = TimeSpan.FromSeconds(seconds);
            while (watch.Elapsed < end)
            {
                var left = end - watch.Elapsed;
                await Task.Delay(left < Tick ? left : Tick, cancellationToken);
                // A sliver left by timer jitter is folded into the next line rather than printed as noise.
                if (left >= MinInterval)
                {
                    Print(phase);
                }
            }
        }

        public void Print(string phase)
        {
            var now = Stopwatch.GetTimestamp();
            var seconds = Stopwatch.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
            _elapsed += seconds;
            var all = counters.AllRoundTrips;
            var rate = seconds > 0 ? (all - _lastRoundTrips) / seconds : 0;
            _lastRoundTrips = all;
            _lastTimestamp = now;
            var client = _client.Read().Cores;
            _client.Restart();
            var server = "";
            if (_server is not null)
            {
                var memory = ProcStats.Memory(_server.Pid);
                server = string.Create(CultureInfo.InvariantCulture, $"  server {_server.Read().Cores:F2} cores {(memory?.RssKiB ?? 0) / 1024.0:F0} MiB");
                _server.Restart();
            }

            Info(options, $"{_elapsed,5:F0}s {phase,-7} rt/s {rate,8:N0}  open {counters.Open,5}  errors {counters.Errors,4}  client {client:F2} cores{server}");
        }
    }
}

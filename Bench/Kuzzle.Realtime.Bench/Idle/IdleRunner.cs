using System.Diagnostics;
using System.Globalization;
using Kuzzle.Realtime.Bench.Hosting;
using Kuzzle.Realtime.Bench.Load;
using Kuzzle.Realtime.Bench.Procfs;

namespace Kuzzle.Realtime.Bench.Idle;

/// <summary>
/// Measures server RSS growth per idle socket: warm the server up, read RSS, open N silent sockets from
/// child processes, let it settle, read RSS again.
/// </summary>
public static class IdleRunner
{
    private static readonly TimeSpan HoldLimit = TimeSpan.FromMinutes(10);

    public static async Task<IdleResult> MeasureAsync(IdleOptions options, CancellationToken cancellationToken)
    {
        await WarmUpAsync(options, cancellationToken);
        var before = await SettledMemoryAsync(options.ServerPid, cancellationToken);
        Info(options, $"before: RSS {before.RssKiB / 1024.0:F1} MiB (anon {before.AnonKiB / 1024.0:F1}), {before.Threads} threads");

        var processes = (options.Connections + options.PerProcess - 1) / options.PerProcess;
        var clients = new List<ClientHandle>();
        try
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < processes; i++)
            {
                var share = (options.Connections / processes) + (i < options.Connections % processes ? 1 : 0);
                clients.Add(ClientHandle.Start(options.Url, share, options.Ramp));
            }

            var limit = TimeSpan.FromSeconds(30 + (options.Connections / 100.0));
            while (!clients.TrueForAll(c => c.Ready) && watch.Elapsed < limit)
            {
                await Task.Delay(1000, cancellationToken);
                Info(options, $"{watch.Elapsed.TotalSeconds,4:F0}s opened {clients.Sum(c => c.Opened)}/{options.Connections} failed {clients.Sum(c => c.Failed)}  RSS {(ProcStats.Memory(options.ServerPid)?.RssKiB ?? 0) / 1024.0:F1} MiB");
                ThrowIfDead(options, clients);
            }

            var openSeconds = watch.Elapsed.TotalSeconds;
            var peak = before.RssKiB;
            var after = before;
            for (var s = 0; s < Math.Max(1, (int)Math.Ceiling(options.SettleSeconds)); s++)
            {
                await Task.Delay(1000, cancellationToken);
                after = ProcStats.Memory(options.ServerPid) ?? throw new InvalidOperationException("server process is gone");
                peak = Math.Max(peak, after.RssKiB);
                Info(options, $"settle {s + 1}s: RSS {after.RssKiB / 1024.0:F1} MiB (anon {after.AnonKiB / 1024.0:F1}), {after.Threads} threads");
            }

            var result = new IdleResult
            {
                Label = options.Label,
                Requested = options.Connections,
                Opened = clients.Sum(c => c.Opened),
                Failed = clients.Sum(c => c.Failed),
                ClosedByServer = clients.Sum(c => c.Closed),
                ClientProcesses = processes,
                RssBeforeKiB = before.RssKiB,
                RssAfterKiB = after.RssKiB,
                AnonBeforeKiB = before.AnonKiB,
                AnonAfterKiB = after.AnonKiB,
                RssPeakKiB = peak,
                ThreadsBefore = before.Threads,
                ThreadsAfter = after.Threads,
                OpenSeconds = openSeconds,
            };

            await CloseAllAsync(clients);
            await Task.Delay(2000, cancellationToken);
            return result with { RssAfterCloseKiB = ProcStats.Memory(options.ServerPid)?.RssKiB };
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>Handshake code paths JIT-compiled and pools primed before the baseline is read, as for any server.</summary>
    private static async Task WarmUpAsync(IdleOptions options, CancellationToken cancellationToken)
    {
        if (options.WarmupConnections == 0)
        {
            return;
        }

        await RttRunner.RunAsync(
            new RttOptions { Url = options.Url, Connections = options.WarmupConnections, WarmupSeconds = 0, DurationSeconds = 2, ServerPid = options.ServerPid, Progress = false, Label = options.Label + " warmup" },
            cancellationToken);
    }

    private static async Task<MemorySample> SettledMemoryAsync(int pid, CancellationToken cancellationToken)
    {
        await Task.Delay(2000, cancellationToken);
        return ProcStats.Memory(pid) ?? throw new InvalidOperationException($"no process {pid}");
    }

    private static async Task CloseAllAsync(List<ClientHandle> clients)
    {
        foreach (var client in clients)
        {
            client.RequestClose();
        }

        foreach (var client in clients)
        {
            await client.WaitAsync(TimeSpan.FromSeconds(15));
        }
    }

    private static void ThrowIfDead(IdleOptions options, List<ClientHandle> clients)
    {
        if (!ProcStats.IsAlive(options.ServerPid))
        {
            throw new InvalidOperationException("the server exited while sockets were opening");
        }

        var dead = clients.Find(c => c.Exited && !c.Ready);
        if (dead is not null)
        {
            throw new InvalidOperationException($"an idle-client process exited early; its last output:{Environment.NewLine}{dead.Tail()}");
        }
    }

    internal static void Info(IdleOptions options, string message) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  [{options.Label}] {message}"));

    /// <summary>One idle-client child process and the counts it last reported.</summary>
    private sealed class ClientHandle : IDisposable
    {
        private readonly ChildProcess _child;
        private volatile bool _ready;
        private int _opened;
        private int _failed;
        private int _closed;

        private ClientHandle(Uri url, int connections, int ramp)
        {
            string[] args =
            [
                typeof(ClientHandle).Assembly.Location, "idle-client",
                "--url", url.ToString(),
                "--connections", connections.ToString(CultureInfo.InvariantCulture),
                "--ramp", ramp.ToString(CultureInfo.InvariantCulture),
                "--hold", HoldLimit.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            ];
            _child = ChildProcess.Start(DotnetHost.Path, args, new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" }, OnLine);
        }

        public bool Ready => _ready;
        public bool Exited => _child.HasExited;
        public int Opened => Volatile.Read(ref _opened);
        public int Failed => Volatile.Read(ref _failed);
        public int Closed => Volatile.Read(ref _closed);

        public static ClientHandle Start(Uri url, int connections, int ramp) => new(url, connections, ramp);

        public string Tail() => _child.Tail();

        public void RequestClose()
        {
            try
            {
                _child.StandardInput.WriteLine("close");
                _child.StandardInput.Flush();
            }
            catch (IOException)
            {
            }
        }

        public Task<bool> WaitAsync(TimeSpan timeout) => _child.WaitForExitAsync(timeout);

        public void Dispose() => _child.Dispose();

        private void OnLine(string line)
        {
            var parts = line.Split(' ');
            if (parts.Length != 4 || (parts[0] != "progress" && parts[0] != "ready"))
            {
                return;
            }

            Volatile.Write(ref _opened, int.Parse(parts[1], CultureInfo.InvariantCulture));
            Volatile.Write(ref _failed, int.Parse(parts[2], CultureInfo.InvariantCulture));
            Volatile.Write(ref _closed, int.Parse(parts[3], CultureInfo.InvariantCulture));
            if (parts[0] == "ready")
            {
                _ready = true;
            }
        }
    }
}

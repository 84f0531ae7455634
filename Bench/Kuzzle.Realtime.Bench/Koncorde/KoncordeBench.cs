using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Kuzzle.Realtime.Koncorde;

namespace Kuzzle.Realtime.Bench.Koncorde;

/// <summary>
/// <c>koncorde</c> subcommand: this engine against npm koncorde 4.7.0 on Koncorde's benchmark shapes, in the
/// same invocation. Reports matching throughput (Test calls per second on one thread, best 0.2 s window on each
/// side), the ratio, the same throughput per second of process CPU time (steadier when the machine is shared:
/// time spent waiting for a core is not counted), indexation
/// time, memory per filter and removal time. Documents are given parsed (a JsonElement); --text gives them as
/// UTF-8 JSON text instead, as the server's publish path does (indexes other than equality-only ones then parse
/// the text on every test, which the parsed figures leave out).
/// Options: --filters N (10000) --seconds S per measurement (2) --seed N (1) --only name,name --no-node --text
/// --json file
/// </summary>
public static class KoncordeBench
{
    private const string Index = "bench/koncorde";
    private static readonly TimeSpan WindowLength = TimeSpan.FromMilliseconds(200);

    public static async Task<int> RunAsync(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"koncorde: {e.Message}");
            return 2;
        }

        var shapes = BenchShapes.Create(options.Filters, options.Seed)
            .Where(s => options.Only.Length == 0 || options.Only.Any(o => s.Name.StartsWith(o, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        Console.WriteLine($"koncorde: {options.Filters} filters per shape, {options.Seconds}s per matching measurement, seed {options.Seed}");

        // Warm-up pass on small copies so that every code path is jitted before measuring.
        var measured = BenchOptions.Current;
        BenchOptions.Use(measured with { Seconds = 0.2 });
        foreach (var shape in BenchShapes.Create(500, options.Seed + 1))
        {
            Measure(shape);
        }

        BenchOptions.Use(measured);
        var ours = shapes.Select(Measure).ToList();
        JsonElement? reference = null;
        if (options.RunNode)
        {
            reference = await NodeReference.RunAsync(shapes, options.Seconds, CancellationToken.None);
        }

        var report = Report(ours, reference);
        Console.WriteLine(report);
        if (options.JsonPath is not null)
        {
            await File.WriteAllTextAsync(options.JsonPath, JsonSerializer.Serialize(new { ours, reference }));
        }

        return 0;
    }

    private static ShapeResult Measure(BenchShape shape)
    {
        var filters = shape.Filters.Select(f => JsonDocument.Parse(f.ToJsonString()).RootElement).ToList();
        var document = JsonDocument.Parse(shape.Document.ToJsonString()).RootElement;
        ReadOnlyMemory<byte> text = Encoding.UTF8.GetBytes(shape.Document.ToJsonString());
        var parsed = !BenchOptions.Current.Text;
        var engine = new KoncordeEngine();

        var before = SettledMemory();
        var clock = Stopwatch.StartNew();
        var ids = new List<string>(filters.Count);
        foreach (var filter in filters)
        {
            ids.Add(engine.Register(Index, filter));
        }

        var indexSeconds = clock.Elapsed.TotalSeconds;
        var bytesPerFilter = (SettledMemory() - before) / (double)filters.Count;

        // Time-based warm-up: tiered JIT promotes hot methods only after a delay, so a fixed small number of
        // calls would leave part of the measurement running unoptimised code.
        var warmup = Stopwatch.StartNew();
        while (warmup.Elapsed < TimeSpan.FromSeconds(Math.Min(1, BenchOptions.Current.Seconds)))
        {
            for (var i = 0; i < 100; i++)
            {
                _ = parsed ? engine.Test(Index, document) : engine.Test(Index, text);
            }
        }

        // Best of 0.2 s windows: the machine may be shared, the best window is the least disturbed one.
        long ops = 0;
        long matches = 0;
        var best = 0.0;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        clock.Restart();
        var budget = TimeSpan.FromSeconds(BenchOptions.Current.Seconds);
        while (clock.Elapsed < budget)
        {
            var window = Stopwatch.StartNew();
            long windowOps = 0;
            while (window.Elapsed < WindowLength)
            {
                for (var i = 0; i < 200; i++)
                {
                    matches += (parsed ? engine.Test(Index, document) : engine.Test(Index, text)).Count;
                }

                windowOps += 200;
            }

            best = Math.Max(best, windowOps / window.Elapsed.TotalSeconds);
            ops += windowOps;
        }

        process.Refresh();
        var opsPerCpuSecond = ops / (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var allocatedPerCall = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)ops;

        clock.Restart();
        foreach (var id in ids)
        {
            engine.Remove(id);
        }

        var removalSeconds = clock.Elapsed.TotalSeconds;
        GC.KeepAlive(filters);
        return new ShapeResult(shape.Name, indexSeconds, bytesPerFilter, best, opsPerCpuSecond, matches / (double)ops, removalSeconds, allocatedPerCall);
    }

    private static long SettledMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static string Report(List<ShapeResult> ours, JsonElement? reference)
    {
        var theirs = new Dictionary<string, JsonElement>();
        if (reference is { } r)
        {
            foreach (var item in r.GetProperty("results").EnumerateArray())
            {
                theirs[item.GetProperty("name").GetString()!] = item;
            }
        }

        var sb = new StringBuilder();
        var node = reference is { } n ? n.GetProperty("node").GetString() : "not run";
        sb.AppendLine(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, Node {node}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"shape",-24} {"ours match/s",14} {"koncorde/s",12} {"ratio",7} {"ours /cpu-s",14} {"konc /cpu-s",12} {"ratio",7} {"ours idx s",10} {"konc idx s",10} {"ours B/flt",10} {"konc B/flt",10} {"ours rm s",9} {"konc rm s",9} {"alloc B/op",10} {"hits/op",8}");
        foreach (var o in ours)
        {
            var has = theirs.TryGetValue(o.Name, out var t);
            double? theirOps = has ? t.GetProperty("opsPerSecond").GetDouble() : null;
            var ratio = theirOps is { } x && x > 0 ? (o.OpsPerSecond / x).ToString("0.0", CultureInfo.InvariantCulture) + "x" : "-";
            double? theirCpu = has && t.TryGetProperty("opsPerCpuSecond", out var c) ? c.GetDouble() : null;
            var cpuRatio = theirCpu is { } y && y > 0 ? (o.OpsPerCpuSecond / y).ToString("0.0", CultureInfo.InvariantCulture) + "x" : "-";
            string Num(double? v, string format) => v is { } d ? d.ToString(format, CultureInfo.InvariantCulture) : "-";
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{o.Name,-24} {Num(o.OpsPerSecond, "N0"),14} {Num(theirOps, "N0"),12} {ratio,7} {Num(o.OpsPerCpuSecond, "N0"),14} {Num(theirCpu, "N0"),12} {cpuRatio,7} {Num(o.IndexSeconds, "0.000"),10} {Num(has ? t.GetProperty("indexSeconds").GetDouble() : null, "0.000"),10} {Num(o.BytesPerFilter, "N0"),10} {Num(has ? t.GetProperty("bytesPerFilter").GetDouble() : null, "N0"),10} {Num(o.RemovalSeconds, "0.000"),9} {Num(has ? t.GetProperty("removalSeconds").GetDouble() : null, "0.000"),9} {Num(o.AllocatedPerCall, "0"),10} {Num(o.MatchesPerCall, "0.##"),8}");
            if (has && Math.Abs(t.GetProperty("matchesPerCall").GetDouble() - o.MatchesPerCall) > 1e-9)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"  WARNING: koncorde matched {t.GetProperty("matchesPerCall").GetDouble()} filters per call, we matched {o.MatchesPerCall}");
            }
        }

        return sb.ToString();
    }

    /// <summary>Results of one shape on this engine.</summary>
    public sealed record ShapeResult(string Name, double IndexSeconds, double BytesPerFilter, double OpsPerSecond, double OpsPerCpuSecond, double MatchesPerCall, double RemovalSeconds, double AllocatedPerCall);

    private sealed record BenchOptions(int Filters, double Seconds, int Seed, string[] Only, bool RunNode, bool Text, string? JsonPath)
    {
        public static BenchOptions Current { get; private set; } = new(10000, 2, 1, [], true, false, null);

        public static void Use(BenchOptions options) => Current = options;

        public static BenchOptions Parse(string[] args)
        {
            var options = Current;
            for (var i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                options = args[i] switch
                {
                    "--filters" => options with { Filters = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--seconds" => options with { Seconds = double.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--seed" => options with { Seed = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--only" => options with { Only = Value().Split(',', StringSplitOptions.RemoveEmptyEntries) },
                    "--no-node" => options with { RunNode = false },
                    "--text" => options with { Text = true },
                    "--json" => options with { JsonPath = Value() },
                    _ => throw new ArgumentException($"unknown option {args[i]}"),
                };
            }

            Current = options;
            return options;
        }
    }
}

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
/// time spent waiting for a core is not counted), indexation time, memory per filter and removal time. Our side is
/// measured per way of giving the document: prepared (a KoncordeDocument built once from the text: the figure
/// comparable to koncorde's, which tests an object parsed once), prep+test (a document prepared then tested on
/// every call), parsed (a JsonElement) and text (UTF-8 JSON, read or parsed on every test); the cost of preparing
/// a document is also reported on its own.
/// Options: --filters N (10000) --seconds S per measurement (2) --seed N (1) --only name,name --no-node
/// --modes prepared,prep+test,parsed,text (all; --text = text only) --json file
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

        // Each loop runs a batch itself: a delegate call per test would weigh on a ~10 ns test.
        using var prepared = KoncordeDocument.Create(text);
        using var fresh = new KoncordeDocument();
        var buffer = new List<string>();
        var modes = new List<ModeResult>();
        foreach (var mode in BenchOptions.Current.Modes)
        {
            Func<int, long> batch = mode switch
            {
                "prepared" => count =>
                {
                    long matched = 0;
                    for (var i = 0; i < count; i++)
                    {
                        buffer.Clear();
                        matched += engine.Test(Index, prepared, buffer);
                    }

                    return matched;
                },
                "prep+test" => count =>
                {
                    long matched = 0;
                    for (var i = 0; i < count; i++)
                    {
                        // Everything a message costs: preparing it (and parsing it when the index needs that) and testing.
                        fresh.Load(text);
                        buffer.Clear();
                        matched += engine.Test(Index, fresh, buffer);
                    }

                    return matched;
                },
                "parsed" => count =>
                {
                    long matched = 0;
                    for (var i = 0; i < count; i++)
                    {
                        matched += engine.Test(Index, document).Count;
                    }

                    return matched;
                },
                _ => count =>
                {
                    long matched = 0;
                    for (var i = 0; i < count; i++)
                    {
                        matched += engine.Test(Index, text).Count;
                    }

                    return matched;
                },
            };
            modes.Add(MeasureLoop(mode, batch));
        }

        // What preparing costs, per document (the prepared figure leaves it out, as koncorde's leaves out JSON.parse).
        using var loading = new KoncordeDocument();
        var preparation = MeasureLoop("prepare", count =>
        {
            for (var i = 0; i < count; i++)
            {
                loading.Load(text);
            }

            return 0;
        });

        clock.Restart();
        foreach (var id in ids)
        {
            engine.Remove(id);
        }

        var removalSeconds = clock.Elapsed.TotalSeconds;
        GC.KeepAlive(filters);
        return new ShapeResult(shape.Name, indexSeconds, bytesPerFilter, removalSeconds, 1e9 / preparation.OpsPerSecond, preparation.AllocatedPerCall, modes);
    }

    /// <summary>Calls per second of <paramref name="batch"/> (given a count, runs that many calls, returns the matches).</summary>
    private static ModeResult MeasureLoop(string mode, Func<int, long> batch)
    {
        // Time-based warm-up: tiered JIT promotes hot methods only after a delay, so a fixed small number of
        // calls would leave part of the measurement running unoptimised code.
        var warmup = Stopwatch.StartNew();
        while (warmup.Elapsed < TimeSpan.FromSeconds(Math.Min(1, BenchOptions.Current.Seconds)))
        {
            batch(100);
        }

        // Best of 0.2 s windows: the machine may be shared, the best window is the least disturbed one.
        long ops = 0;
        long matches = 0;
        var best = 0.0;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var budget = TimeSpan.FromSeconds(BenchOptions.Current.Seconds);
        while (clock.Elapsed < budget)
        {
            var window = Stopwatch.StartNew();
            long windowOps = 0;
            while (window.Elapsed < WindowLength)
            {
                matches += batch(200);
                windowOps += 200;
            }

            best = Math.Max(best, windowOps / window.Elapsed.TotalSeconds);
            ops += windowOps;
        }

        process.Refresh();
        var opsPerCpuSecond = ops / (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var allocatedPerCall = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)ops;
        return new ModeResult(mode, best, opsPerCpuSecond, matches / (double)ops, allocatedPerCall);
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

        string Num(double? v, string format) => v is { } d ? d.ToString(format, CultureInfo.InvariantCulture) : "-";
        string Ratio(double ours, double? theirs) => theirs is { } x && x > 0 ? (ours / x).ToString("0.0", CultureInfo.InvariantCulture) + "x" : "-";

        var sb = new StringBuilder();
        var node = reference is { } n ? n.GetProperty("node").GetString() : "not run";
        sb.AppendLine(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, Node {node}");
        sb.AppendLine("koncorde: koncorde.test(document) on an object JSON.parse'd once (the parse is not counted).");
        sb.AppendLine("ours, by mode: prepared = Test(index, KoncordeDocument, buffer) on a document prepared once from the text (the");
        sb.AppendLine("  preparation is not counted: it is the 'prepare ns/doc' column below); prep+test = Load + Test on every call (all");
        sb.AppendLine("  a message costs, including the parse that indexes other than equality-only ones need); parsed =");
        sb.AppendLine("  Test(index, JsonElement) on a document parsed once; text = Test(index, UTF-8 bytes), reading (or parsing) the");
        sb.AppendLine("  text on every call.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"shape",-24} {"mode",-9} {"ours match/s",14} {"koncorde/s",12} {"ratio",7} {"ours /cpu-s",14} {"konc /cpu-s",12} {"ratio",7} {"ns/test",8} {"alloc B/op",10} {"hits/op",8}");
        foreach (var o in ours)
        {
            var has = theirs.TryGetValue(o.Name, out var t);
            double? theirOps = has ? t.GetProperty("opsPerSecond").GetDouble() : null;
            double? theirCpu = has && t.TryGetProperty("opsPerCpuSecond", out var c) ? c.GetDouble() : null;
            foreach (var m in o.Modes)
            {
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"{o.Name,-24} {m.Mode,-9} {Num(m.OpsPerSecond, "N0"),14} {Num(theirOps, "N0"),12} {Ratio(m.OpsPerSecond, theirOps),7} {Num(m.OpsPerCpuSecond, "N0"),14} {Num(theirCpu, "N0"),12} {Ratio(m.OpsPerCpuSecond, theirCpu),7} {Num(1e9 / m.OpsPerSecond, "0.0"),8} {Num(m.AllocatedPerCall, "0"),10} {Num(m.MatchesPerCall, "0.##"),8}");
                if (has && Math.Abs(t.GetProperty("matchesPerCall").GetDouble() - m.MatchesPerCall) > 1e-9)
                {
                    sb.AppendLine(CultureInfo.InvariantCulture, $"  WARNING: koncorde matched {t.GetProperty("matchesPerCall").GetDouble()} filters per call, we matched {m.MatchesPerCall}");
                }
            }
        }

        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"shape",-24} {"prepare ns/doc",14} {"prepare B/doc",13} {"ours idx s",10} {"konc idx s",10} {"ours B/flt",10} {"konc B/flt",10} {"ours rm s",9} {"konc rm s",9}");
        foreach (var o in ours)
        {
            var has = theirs.TryGetValue(o.Name, out var t);
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{o.Name,-24} {Num(o.PrepareNanoseconds, "0.0"),14} {Num(o.PrepareAllocated, "0"),13} {Num(o.IndexSeconds, "0.000"),10} {Num(has ? t.GetProperty("indexSeconds").GetDouble() : null, "0.000"),10} {Num(o.BytesPerFilter, "N0"),10} {Num(has ? t.GetProperty("bytesPerFilter").GetDouble() : null, "N0"),10} {Num(o.RemovalSeconds, "0.000"),9} {Num(has ? t.GetProperty("removalSeconds").GetDouble() : null, "0.000"),9}");
        }

        return sb.ToString();
    }

    /// <summary>Results of one shape on this engine.</summary>
    public sealed record ShapeResult(string Name, double IndexSeconds, double BytesPerFilter, double RemovalSeconds, double PrepareNanoseconds, double PrepareAllocated, IReadOnlyList<ModeResult> Modes);

    /// <summary>Matching throughput of one way of giving the document.</summary>
    public sealed record ModeResult(string Mode, double OpsPerSecond, double OpsPerCpuSecond, double MatchesPerCall, double AllocatedPerCall);

    private sealed record BenchOptions(int Filters, double Seconds, int Seed, string[] Only, bool RunNode, string[] Modes, string? JsonPath)
    {
        private static readonly string[] AllModes = ["prepared", "prep+test", "parsed", "text"];

        public static BenchOptions Current { get; private set; } = new(10000, 2, 1, [], true, AllModes, null);

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
                    "--modes" => options with { Modes = ParseModes(Value()) },
                    "--text" => options with { Modes = ["text"] },
                    "--json" => options with { JsonPath = Value() },
                    _ => throw new ArgumentException($"unknown option {args[i]}"),
                };
            }

            Current = options;
            return options;
        }

        private static string[] ParseModes(string value)
        {
            var modes = value.Split(',', StringSplitOptions.RemoveEmptyEntries);
            return modes.All(m => AllModes.Contains(m)) ? modes : throw new ArgumentException($"--modes takes {string.Join(", ", AllModes)}");
        }
    }
}

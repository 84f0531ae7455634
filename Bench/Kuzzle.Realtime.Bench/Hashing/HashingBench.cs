using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Kuzzle.Realtime.Bench.Procfs;
using Kuzzle.Realtime.Bench.Report;

namespace Kuzzle.Realtime.Bench.Hashing;

/// <summary>
/// <c>hashing</c> subcommand: argon2id cost of each password hasher of the local strategy (libsodium through NSec, and
/// the managed Konscious fallback) with the strategy's default parameters (m=19456 KiB, t=2, p=1). For 1 and 2 threads
/// hashing at once it reports hashes per second (the login ceiling if hashing had the machine), ms per hash p50/p99,
/// and managed bytes allocated per hash.
/// Options: --hashes N per thread count (24) --threads 1,2 --only sodium|managed --quiet-wait S (10)
/// </summary>
/// <remarks>
/// The hashers are bound late, by assembly and type name, so this folder compiles whether or not the Bench project
/// references Strategies/Local yet; with the ProjectReference in place the assembly sits next to the bench and loads.
/// Each hash goes through the strategy's public <c>Hash(string)</c> (random salt + argon2id + PHC encoding); the salt and
/// encoding cost microseconds against tens of milliseconds, so the figure is the raw argon2id cost.
/// </remarks>
public static class HashingBench
{
    private const string AssemblyName = "Kuzzle.Realtime.Strategies.Local";
    private const string HashingNamespace = "Kuzzle.Realtime.Strategies.Local.Hashing.";
    private const string Password = "correct horse battery staple";

    public static async Task<int> RunAsync(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"hashing: {e.Message}");
            return 2;
        }

        List<Hasher> hashers;
        try
        {
            hashers = LoadHashers(options.Only);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or TypeLoadException or MissingMethodException or TargetInvocationException)
        {
            await Console.Error.WriteLineAsync($"hashing: cannot load the local strategy's hashers ({e.GetType().Name}: {e.Message}). The Bench project needs a ProjectReference to Strategies/Local.");
            return 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hashing: argon2id {hashers[0].Parameters}, {options.Hashes} hashes per run, {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}"));
        var busy = await QuietMachine.WaitAsync(options.QuietWaitSeconds, CancellationToken.None);
        if (!double.IsNaN(busy))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  machine busy before measuring: {busy:F2} cores"));
        }

        var table = new TextTable("impl", "threads", "hashes/s", "p50 ms", "p99 ms", "max ms", "alloc/hash");
        foreach (var hasher in hashers)
        {
            // Warm-up: JIT, native library load, first touch of the memory pool.
            for (var i = 0; i < 3; i++)
            {
                hasher.Hash(Password);
            }

            foreach (var threads in options.Threads)
            {
                var run = Measure(hasher, threads, options.Hashes);
                table.Add(
                    hasher.Name,
                    threads.ToString(CultureInfo.InvariantCulture),
                    run.PerSecond.ToString("F1", CultureInfo.InvariantCulture),
                    run.P50.ToString("F1", CultureInfo.InvariantCulture),
                    run.P99.ToString("F1", CultureInfo.InvariantCulture),
                    run.Max.ToString("F1", CultureInfo.InvariantCulture),
                    FormatBytes(run.BytesPerHash));
            }
        }

        Console.WriteLine();
        Console.Write(table.ToString());
        return 0;
    }

    private static Run Measure(Hasher hasher, int threads, int hashesPerRun)
    {
        var perThread = Math.Max(1, hashesPerRun / threads);
        var latencies = new double[perThread * threads];
        using var start = new Barrier(threads + 1);
        var workers = new Thread[threads];
        for (var t = 0; t < threads; t++)
        {
            var offset = t * perThread;
            workers[t] = new Thread(() =>
            {
                start.SignalAndWait();
                for (var i = 0; i < perThread; i++)
                {
                    var begin = Stopwatch.GetTimestamp();
                    hasher.Hash(Password);
                    latencies[offset + i] = Stopwatch.GetElapsedTime(begin).TotalMilliseconds;
                }
            })
            { IsBackground = true, Name = $"hash-{t}" };
            workers[t].Start();
        }

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        start.SignalAndWait();
        var watch = Stopwatch.StartNew();
        foreach (var worker in workers)
        {
            worker.Join();
        }

        watch.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Array.Sort(latencies);
        return new Run(
            latencies.Length / watch.Elapsed.TotalSeconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            latencies[^1],
            (double)allocated / latencies.Length);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string FormatBytes(double bytes) => bytes switch
    {
        >= 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024):F1} MiB"),
        >= 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024:F1} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes:F0} B"),
    };

    private static List<Hasher> LoadHashers(string? only)
    {
        var assembly = Assembly.Load(AssemblyName);
        var parametersType = assembly.GetType(HashingNamespace + "Argon2idParameters", throwOnError: true)!;
        var defaults = parametersType.GetProperty("Default", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        var hashers = new List<Hasher>();
        foreach (var (name, typeName) in new[] { ("sodium", "Argon2idSodiumHasher"), ("managed", "Argon2idManagedHasher") })
        {
            if (only is not null && only != name)
            {
                continue;
            }

            var type = assembly.GetType(HashingNamespace + typeName, throwOnError: true)!;
            var instance = Activator.CreateInstance(type, defaults)!;
            var hash = type.GetMethod("Hash", [typeof(string)])!.CreateDelegate<Func<string, string>>(instance);
            hashers.Add(new Hasher(name, defaults.ToString()!, hash));
        }

        return hashers;
    }

    private sealed record Hasher(string Name, string Parameters, Func<string, string> Hash);

    private sealed record Run(double PerSecond, double P50, double P99, double Max, double BytesPerHash);

    private sealed record Options(int Hashes, int[] Threads, string? Only, double QuietWaitSeconds)
    {
        public static Options Parse(string[] args)
        {
            var options = new Options(24, [1, 2], null, 10);
            for (var i = 0; i < args.Length; i++)
            {
                var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"missing value after {args[i]}");
                options = args[i] switch
                {
                    "--hashes" => options with { Hashes = PositiveInt(value, "--hashes") },
                    "--threads" => options with { Threads = [.. value.Split(',').Select(v => PositiveInt(v, "--threads"))] },
                    "--only" => options with { Only = value is "sodium" or "managed" ? value : throw new ArgumentException("--only takes sodium or managed") },
                    "--quiet-wait" => options with { QuietWaitSeconds = double.TryParse(value, CultureInfo.InvariantCulture, out var s) && s >= 0 ? s : throw new ArgumentException("--quiet-wait takes seconds") },
                    _ => throw new ArgumentException($"unknown option {args[i]} (--hashes N, --threads 1,2, --only sodium|managed, --quiet-wait S)"),
                };
                i++;
            }

            return options;
        }

        private static int PositiveInt(string text, string name) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{name} takes a positive integer");
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Kuzzle.Realtime.Bench.Report;
using Kuzzle.Realtime.Protocol.Requests;
using Kuzzle.Realtime.Server.Api;
using Kuzzle.Realtime.Server.Hosting;
using Kuzzle.Realtime.Server.Network;
using Kuzzle.Realtime.Server.Security.Strategies;
using Kuzzle.Realtime.Server.Storage;
using Kuzzle.Realtime.Storage;
using Kuzzle.Realtime.Strategies;
using Kuzzle.Realtime.Strategies.Local;
using Kuzzle.Realtime.Strategies.Local.Hashing;
using Kuzzle.Realtime.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace Kuzzle.Realtime.Bench.Auth;

/// <summary>
/// <c>auth</c> subcommand, in process (no sockets), embedded store:
/// (a) login throughput through the whole pipeline (strategy verify + token + session write) against the raw argon2id rate of the
/// same hasher with the same number of threads, measured in the same run, and the managed heap before/after 1,000 logins;
/// (c) time and bytes allocated per token check on a cached session, and per <c>server:now</c> with and without a jwt.
/// Options: --logins N (1000) --seconds S for the raw hash rate (10) --checks N (200000)
/// </summary>
public static class AuthBench
{
    private const string Password = "correct horse battery staple";

    public static async Task<int> RunAsync(string[] args)
    {
        var logins = IntOption(args, "--logins", 1000);
        var checks = IntOption(args, "--checks", 200_000);
        var data = Directory.CreateTempSubdirectory("kuzzle-auth-bench-").FullName;
        try
        {
            await using var app = await ServerHost.BuildAsync(["--port", "0", "--host", "127.0.0.1", "--data", data, "--Logging:LogLevel:Default=Warning",
                "--Kuzzle:Security:LoginThrottle:MaxFailuresPerAddress=0", "--Kuzzle:Security:LoginThrottle:MaxFailuresPerAccount=0"]);

            // Hosted services seed the security store and start the rights service: without them every request is an error.
            await app.StartAsync();
            var funnel = app.Services.GetRequiredService<Funnel>();
            var frames = app.Services.GetRequiredService<ResponseFrames>();
            var tokens = app.Services.GetRequiredService<TokenService>();
            var local = (LocalStrategy)(app.Services.GetRequiredService<StrategyRegistry>().TryGet("local", out var s) ? s : throw new InvalidOperationException("no local strategy"));
            await CreateUserAsync(app.Services, local);
            var threads = local.Gate.MaxConcurrency;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"auth: argon2id via {local.Hasher.GetType().Name}, {threads} concurrent hashes allowed, {Environment.ProcessorCount} cores"));

            var table = new TextTable("measure", "count", "rate or cost", "notes");
            var login = Encoding.UTF8.GetBytes("""{"controller":"auth","action":"login","strategy":"local","requestId":"l","body":{"username":"bench","password":"correct horse battery staple"}}""");
            await LoginsAsync(funnel, frames, login, threads, Math.Max(logins / 10, 20)); // Warm-up.
            var heapBefore = SettledHeap();

            // Alternated (raw, logins, raw, logins) so a change of machine load hits both sides.
            double rawSeconds = 0, loginSeconds = 0;
            var rawHashes = 0;
            for (var round = 0; round < 2; round++)
            {
                var hashes = Math.Max(logins / 4, 20);
                rawSeconds += RawHashSeconds(local.Hasher, threads, hashes);
                rawHashes += hashes;
                var clock = Stopwatch.StartNew();
                await LoginsAsync(funnel, frames, login, threads, logins / 2);
                loginSeconds += clock.Elapsed.TotalSeconds;
            }

            var heapAfter = SettledHeap();
            var rawRate = rawHashes / rawSeconds;
            var loginRate = logins / 2 * 2 / loginSeconds;
            table.Add("raw argon2id verify", rawHashes.ToString(CultureInfo.InvariantCulture), Rate(rawRate, "hashes/s"), $"{threads} threads, same hasher, no server");
            table.Add("login (pipeline)", logins.ToString(CultureInfo.InvariantCulture), Rate(loginRate, "logins/s"),
                string.Create(CultureInfo.InvariantCulture, $"{loginRate / rawRate:0.000} of raw (target ≥ 0.90: {(loginRate / rawRate >= 0.9 ? "MET" : "NOT MET")})"));
            table.Add("managed heap across logins", logins.ToString(CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture, $"{heapBefore / 1024.0:0} → {heapAfter / 1024.0:0} KiB"),
                string.Create(CultureInfo.InvariantCulture, $"{(heapAfter - heapBefore) / 1024.0:+0;-0} KiB after a full GC"));

            var token = await tokens.CreateAsync("bench-kuid", -1);
            await tokens.VerifyAsync(token.Token); // Now cached.
            var (checkMicros, checkBytes) = await MeasureAsync(checks, async () => await tokens.VerifyAsync(token.Token));
            table.Add("token check, cached session", checks.ToString(CultureInfo.InvariantCulture), Micros(checkMicros), Bytes(checkBytes));

            var anonymous = Encoding.UTF8.GetBytes("""{"controller":"server","action":"now","requestId":"0123456789abcdef"}""");
            var withJwt = Encoding.UTF8.GetBytes($$"""{"controller":"server","action":"now","requestId":"0123456789abcdef","jwt":"{{token.Token}}"}""");
            var connection = new BenchConnection("websocket");
            foreach (var (name, frame) in new[] { ("server:now, anonymous", anonymous), ("server:now, with jwt", withJwt) })
            {
                await MeasureAsync(checks / 10, () => RunAsync(funnel, frames, connection, frame));
                if (await RunAsync(funnel, frames, connection, frame) != 200)
                {
                    throw new InvalidOperationException($"{name} did not answer 200");
                }

                var (micros, bytes) = await MeasureAsync(checks, () => RunAsync(funnel, frames, connection, frame));
                table.Add(name, checks.ToString(CultureInfo.InvariantCulture), Micros(micros), Bytes(bytes));
            }

            Console.WriteLine(table);
            return 0;
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task CreateUserAsync(IServiceProvider services, LocalStrategy local)
    {
        var storage = services.GetRequiredService<ServerStorage>();
        await storage.Shared.Documents.CreateAsync(ServerStorage.UsersCollection, "bench-kuid", """{"profileIds":["admin"]}""", [new IndexTerm("profileIds", "admin")]);
        using var credentials = JsonDocument.Parse("""{"username":"bench","password":"correct horse battery staple"}""");
        await local.CreateAsync(StrategyCallContext.Internal, credentials.RootElement, "bench-kuid");
    }

    private static double RawHashSeconds(IPasswordHasher hasher, int threads, int hashes)
    {
        var encoded = hasher.Hash(Password);
        hasher.Verify(Password, encoded); // Warm-up.
        var remaining = hashes;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                hasher.Verify(Password, encoded);
            }
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        return clock.Elapsed.TotalSeconds;
    }

    // Logins arrive over HTTP-like connections (a new connection each), so the per-socket limit does not apply, as for real clients.
    private static async Task LoginsAsync(Funnel funnel, ResponseFrames frames, byte[] login, int parallel, int count)
    {
        var remaining = count;
        var connection = new BenchConnection("http");
        await Task.WhenAll(Enumerable.Range(0, parallel * 2).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                var status = await RunAsync(funnel, frames, connection, login);
                if (status != 200)
                {
                    throw new InvalidOperationException($"login failed with status {status}");
                }
            }
        })));
    }

    private static async Task<int> RunAsync(Funnel funnel, ResponseFrames frames, BenchConnection connection, byte[] payload)
    {
        // As the WebSocket endpoint does: the connection's last token is reused when a frame repeats it.
        var parsed = RequestParser.Parse(payload, RequestProtocol.WebSocket, knownJwt: connection.LastJwt);
        using var input = parsed.Request!;
        connection.LastJwt = input.Jwt ?? connection.LastJwt;
        var context = new RequestContext(input, connection, input.RequestId!);
        var response = await funnel.ExecuteAsync(context, CancellationToken.None);
        frames.Envelope(context, response, includeRoom: true).Release();
        return response.Status;
    }

    private static async Task<(double Micros, double Bytes)> MeasureAsync(int iterations, Func<Task> work)
    {
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            await work();
        }

        clock.Stop();
        return (clock.Elapsed.TotalMicroseconds / iterations, (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)iterations);
    }

    private static long SettledHeap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string Rate(double value, string unit) => string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {unit}");

    private static string Micros(double value) => string.Create(CultureInfo.InvariantCulture, $"{value:0.00} µs");

    private static string Bytes(double value) => string.Create(CultureInfo.InvariantCulture, $"{value:0} B allocated each");

    private sealed class BenchConnection(string protocol) : IConnectionInfo
    {
        public string? LastJwt { get; set; }

        public string Id { get; } = "bench-" + protocol;

        public string Protocol => protocol;

        public string RemoteAddress => "127.0.0.1";

        public string? Origin => null;

        public bool IsAlive => true;

        public bool IsPersistent => protocol == "websocket";

        public void Post(Kuzzle.Realtime.Server.Network.Buffers.OutboundFrame frame) => frame.Release();
    }
}

using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Kuzzle.Realtime.Bench.Cli;
using Kuzzle.Realtime.Bench.Hosting;
using Kuzzle.Realtime.Bench.Load;
using Kuzzle.Realtime.Bench.Report;

namespace Kuzzle.Realtime.Bench.Commands;

/// <summary>
/// <c>compare-auth</c>: <c>server:now</c> round trips at N sockets on one Kuzzle server, three ways measured alternately in one run:
/// anonymous, with the jwt of a user on an allow-all role, and with the jwt of a user on a role listing its actions. Reports
/// authenticated ÷ anonymous (the cost of checking a token: target ≥ 0.90) and listed-role ÷ allow-all (the cost of a real rights
/// check: target ≥ 0.95), for the embedded store and for Redis.
/// </summary>
public static class CompareAuthCommand
{
    private const double TokenTarget = 0.90;
    private const double RightsTarget = 0.95;

    public static async Task<int> RunAsync(CommandLine cli, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var rounds = cli.Number("rounds", 2, 1, 10);
        var serverDll = cli.Text("server-dll");
        var stores = (cli.Text("store") ?? "embedded,redis").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var json = cli.Text("json");
        var template = CompareCommand.ReadTemplate(cli);
        cli.EnsureAllRead();

        var summaries = new List<object>();
        foreach (var store in stores)
        {
            using var redis = store == "redis" ? await RedisProcess.StartAsync(cancellationToken) : null;
            using var server = await ServerProcess.StartAsync(
                ServerKind.Kuzzle, serverDll, cancellationToken, redis is null ? null : ["--redis", redis.ConnectionString]);
            Console.WriteLine($"{store}: kuzzle pid {server.Pid} port {server.Port}");
            var (adminJwt, listedJwt) = await PrepareUsersAsync(server.Url, cancellationToken);

            var cases = new (string Name, string Payload)[]
            {
                ("anonymous", PayloadTemplate.ServerNow),
                ("allow-all role", Payload(adminJwt)),
                ("listed role", Payload(listedJwt)),
            };
            foreach (var (name, payload) in cases)
            {
                await CompareCommand.ProbeAsync(server, payload, cancellationToken);
                await RttRunner.RunAsync(template with { Url = server.Url, ServerPid = server.Pid, Payload = payload, Connections = 50, WarmupSeconds = 0, DurationSeconds = 4, QuietWaitSeconds = 0, Label = name + " warm-up", Progress = false }, cancellationToken);
            }

            var results = new List<(string Case, RttResult Result)>();
            for (var round = 1; round <= rounds; round++)
            {
                var order = round % 2 == 1 ? cases : [.. cases.Reverse()];
                foreach (var (name, payload) in order)
                {
                    var result = await RttRunner.RunAsync(template with { Url = server.Url, ServerPid = server.Pid, Payload = payload, Label = $"{store} {name} #{round}" }, cancellationToken);
                    results.Add((name, result));
                    template = template with { QuietWaitSeconds = 0 }; // Waited once; the cases must follow each other closely.
                }
            }

            Console.WriteLine();
            Console.Write(RttTable.Render([.. results.Select(r => r.Result)]));
            double Rate(string name) => results.Where(r => r.Case == name).Sum(r => r.Result.RoundTrips) / results.Where(r => r.Case == name).Sum(r => r.Result.Seconds);
            double Micros(string name) => results.Where(r => r.Case == name).Average(r => r.Result.ServerMicrosPerRoundTrip ?? double.NaN);
            long Errors(string name) => results.Where(r => r.Case == name).Sum(r => r.Result.Errors);
            var anonymous = Rate("anonymous");
            var allowAll = Rate("allow-all role");
            var listed = Rate("listed role");
            var tokenRatio = allowAll / anonymous;
            var rightsRatio = listed / allowAll;
            var errors = Errors("anonymous") + Errors("allow-all role") + Errors("listed role");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{store}: anonymous {anonymous:0} rt/s, allow-all role {allowAll:0} rt/s, listed role {listed:0} rt/s, {errors} errors"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{store}: with jwt ÷ anonymous = {tokenRatio:0.000}; target ≥ {TokenTarget:0.00}: {(tokenRatio >= TokenTarget && errors == 0 ? "MET" : "NOT MET")}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{store}: listed role ÷ allow-all role = {rightsRatio:0.000}; target ≥ {RightsTarget:0.00}: {(rightsRatio >= RightsTarget && errors == 0 ? "MET" : "NOT MET")}"));
            // Server CPU per round trip is steadier than rt/s when other work shares the cores.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{store}: server µs per round trip: anonymous {Micros("anonymous"):0.0}, allow-all role {Micros("allow-all role"):0.0}, listed role {Micros("listed role"):0.0} (CPU ratios {Micros("anonymous") / Micros("allow-all role"):0.000} and {Micros("allow-all role") / Micros("listed role"):0.000})"));
            summaries.Add(new { store, anonymous, allowAll, listed, tokenRatio, rightsRatio, errors, runs = results.Select(r => r.Result) });
        }

        await JsonReport.WriteAsync(json, "compare-auth", args, summaries);
        return 0;
    }

    private static string Payload(string jwt) => "{\"controller\":\"server\",\"action\":\"now\",\"jwt\":\"" + jwt + "\",\"requestId\":\"" + PayloadTemplate.Placeholder + "\"}";

    // Two users created over the API: one on the bootstrap admin profile (allow-all role), one on a role that lists server:now.
    private static async Task<(string AdminJwt, string ListedJwt)> PrepareUsersAsync(Uri url, CancellationToken cancellationToken)
    {
        using var socket = await WebSocketConnector.ConnectAsync(url, TimeSpan.FromSeconds(5), cancellationToken);
        string[] setup =
        [
            """{"controller":"security","action":"createRole","_id":"bench-listed","body":{"controllers":{"server":{"actions":{"now":true,"info":true}},"auth":{"actions":{"checkToken":true,"getCurrentUser":true,"logout":true}}}}}""",
            """{"controller":"security","action":"createProfile","_id":"bench-listed","body":{"policies":[{"roleId":"bench-listed"}],"rateLimit":0}}""",
            """{"controller":"security","action":"createUser","_id":"bench-admin","body":{"content":{"profileIds":["admin"]},"credentials":{"local":{"username":"bench-admin","password":"bench-password-1"}}}}""",
            """{"controller":"security","action":"createUser","_id":"bench-listed","body":{"content":{"profileIds":["bench-listed"]},"credentials":{"local":{"username":"bench-listed","password":"bench-password-2"}}}}""",
        ];
        foreach (var request in setup)
        {
            await RequestAsync(socket, request, cancellationToken);
        }

        var admin = await LoginAsync(url, "bench-admin", "bench-password-1", cancellationToken);
        var listed = await LoginAsync(url, "bench-listed", "bench-password-2", cancellationToken);
        return (admin, listed);
    }

    // One socket per login: Kuzzle allows one login per second per connection.
    private static async Task<string> LoginAsync(Uri url, string username, string password, CancellationToken cancellationToken)
    {
        using var socket = await WebSocketConnector.ConnectAsync(url, TimeSpan.FromSeconds(5), cancellationToken);
        var reply = await RequestAsync(socket, "{\"controller\":\"auth\",\"action\":\"login\",\"strategy\":\"local\",\"expiresIn\":-1,\"body\":" + JsonSerializer.Serialize(new { username, password }) + "}", cancellationToken);
        return reply.GetProperty("result").GetProperty("jwt").GetString()!;
    }

    private static async Task<JsonElement> RequestAsync(ClientWebSocket socket, string request, CancellationToken cancellationToken)
    {
        await socket.SendAsync(Encoding.UTF8.GetBytes(request), WebSocketMessageType.Text, true, cancellationToken);
        var buffer = new byte[64 * 1024];
        var received = await socket.ReceiveAsync(buffer, cancellationToken);
        using var reply = JsonDocument.Parse(buffer.AsMemory(0, received.Count));
        if (reply.RootElement.GetProperty("status").GetInt32() != 200)
        {
            throw new InvalidOperationException($"setup request failed: {request} → {reply.RootElement}");
        }

        return reply.RootElement.Clone();
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Server.Storage;
using Kuzzle.Realtime.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kuzzle.Realtime.Tests.Integration;

/// <summary>
/// Random requests to every action the server lists (server:publicApi), with arguments and bodies of every JSON type, over a
/// real socket: each must get a well-formed Kuzzle envelope (an error with id, code and status when it fails), none may be an
/// internal error, and the server and the socket must still work afterwards. Seeded, so a failure replays.
/// </summary>
[TestFixture]
public sealed class RequestFuzzTests
{
    private const int FramesPerAction = 15;

    // They would lock the fresh server's allow-all rights, leaving every later request a 401: they have their own tests.
    private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal) { "security:createFirstAdmin", "security:restrictDefaultRights" };

    // Service unavailable or timed out (503/504), a strategy without the optional search method (security.md §5), and Kuzzle's
    // 500 for a request carrying both a bearer token and an authToken cookie (a fuzzed cookieAuth login left one in the client).
    private static readonly HashSet<string> ExpectedServerErrors = new(StringComparer.Ordinal)
    {
        "plugin.strategy.missing_optional_method", "services.cache.not_connected", "api.process.overloaded", "security.token.verification_error",
        "security.user.no_profile", // Kuzzle's 500 for a user written with an empty profileIds list (security.md §1).
    };

    private static readonly string[] ArgumentNames =
    [
        "_id", "index", "collection", "from", "size", "scroll", "scrollId", "strategy", "expiresIn", "refresh", "ids", "lang",
        "strict", "reset", "kuid", "userId", "onAssignedUsers", "retryOnConflict", "users", "scope", "roomId", "cookieAuth",
        "global", "singleUse", "startTime", "stopTime", "includeKuzzleMeta", "force", "description", "apiKeyId",
    ];

    private static readonly string[] BodyNames =
    [
        "policies", "controllers", "content", "credentials", "profileIds", "query", "sort", "username", "password", "roleId",
        "restrictedTo", "roomId", "local", "rateLimit", "description", "controller", "action", "index", "collection", "targets",
        "search_after", "roles", "ids", "properties", "dynamic", "_meta", "token", "equals", "and", "or", "not", "bool", "range",
        "exists", "in", "geoDistance", "tags", "actions", "values", "field", "term", "match",
    ];

    private static readonly string[] Words =
    [
        "admin", "default", "anonymous", "-1", "*", "local", "i", "c", "_bad", "x y", "..", "kauth-abc.def.ghi", "true", "10",
        "1e3", "-5", "wait_for", "in", "out", "all", "none", "remove", "fail", "elasticsearch", "koncorde", "1m", "10m", "root",
    ];

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(5)]
    [TestCase(6)]
    [TestCase(7)]
    [TestCase(8)]
    [TestCase(119)]
    [TestCase(21, true)]
    [TestCase(22, true)]
    [TestCase(23, true)]
    [TestCase(31, false, true)]
    [TestCase(32, true, true)]
    public async Task Random_requests_to_every_action_get_an_envelope_and_never_an_internal_error(int seed, bool asAdmin = false, bool redis = false)
    {
        // With Redis, the same requests go through the shared stores (sessions, security data, counters, cluster).
        await using var redisServer = redis ? await RedisServer.StartAsync() : null;
        await using var server = redisServer is null ? await TestServer.StartAsync() : await TestServer.StartAsync("--redis", redisServer.ConnectionString);
        await using var client = await server.ConnectAsync();

        // As an administrator (the token on most frames), the actions of authenticated users are reached too.
        string? jwt = null;
        if (asAdmin)
        {
            var admin = await client.RequestAsync("""{"controller":"security","action":"createFirstAdmin","_id":"root","requestId":"admin","body":{"content":{},"credentials":{"local":{"username":"root","password":"root-password-1"}}}}""");
            Assert.That(admin.GetProperty("status").GetInt32(), Is.EqualTo(200), admin.ToString());
            jwt = await TestUsers.LoginAsync(client, "root", "root-password-1");
        }

        var api = (await client.RequestAsync("""{"controller":"server","action":"publicApi","requestId":"api"}""")).GetProperty("result");
        var actions = api.EnumerateObject()
            .SelectMany(c => c.Value.EnumerateObject().Select(a => (Controller: c.Name, Action: a.Name)))
            .Where(a => !Skipped.Contains($"{a.Controller}:{a.Action}"))
            .ToList();
        Assert.That(actions, Has.Count.GreaterThan(50), "the server lists its actions");

        var random = new Random(seed);
        var failures = new List<string>();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var sent = 0;
        for (var round = 0; round < FramesPerAction; round++)
        {
            foreach (var (controller, action) in actions.OrderBy(_ => random.Next()))
            {
                var requestId = $"fz-{seed}-{sent++}";
                var frame = RandomFrame(random, controller, action, requestId, jwt);
                JsonElement response;
                try
                {
                    response = await ExchangeAsync(client, frame, requestId, raw: controller == "server" && action == "openapi");
                }
                catch (Exception e) when (e is OperationCanceledException or WebSocketClosedException)
                {
                    Assert.Fail($"no answer ({e.GetType().Name}) after {sent} frames to:\n  {Shorten(frame)}\nearlier problems:\n{string.Join("\n", failures.Take(5))}");
                    throw;
                }

                var outcome = response.ValueKind != JsonValueKind.Object ? "raw"
                    : response.TryGetProperty("error", out var err) && err.ValueKind == JsonValueKind.Object
                        ? err.TryGetProperty("id", out var errId) ? errId.GetString()! : "id-less 400"
                        : "200";
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                if (jwt is not null && outcome is "security.token.invalid" or "security.token.expired" && frame.Contains(jwt, StringComparison.Ordinal))
                {
                    jwt = await LoginAgainAsync(server); // Logged out or revoked by a fuzzed frame; null once root is gone.
                }

                if (Problem(response, requestId) is { } problem)
                {
                    failures.Add($"{problem}\n  sent: {Shorten(frame)}\n  got:  {Shorten(response.ToString())}");
                }
            }
        }

        TestContext.Out.WriteLine(string.Join(", ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}")));
        Assert.That(failures, Is.Empty, $"{failures.Count} of {sent} frames:\n{string.Join("\n", failures.Take(15))}");

        // Whatever the fuzzed writes did, no local credential is left without its user (issue: creation and deletion are atomic).
        var documents = server.Services.GetRequiredService<ServerStorage>().Shared.Documents;
        var users = (await documents.ListAsync(Kuzzle.Realtime.Security.Store.SecurityCollections.Users, 0, 10_000)).Items.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var credentials = (await documents.ListAsync("strategies/local/" + Kuzzle.Realtime.Strategies.Local.LocalStrategy.UsersCollection, 0, 10_000)).Items;
        var orphans = credentials
            .Select(c => TestServer.Json(c.Json).GetProperty("kuid").GetString()!)
            .Where(kuid => !users.Contains(kuid) && !Kuzzle.Realtime.Security.BuiltInSecurity.IsAnonymousUserId(kuid)) // Held in memory.
            .ToList();
        Assert.That(orphans, Is.Empty, $"local credentials of missing users ({credentials.Count} credentials, {users.Count} users)");
        TestContext.Out.WriteLine($"{credentials.Count} local credentials, {users.Count} users at the end");

        // Still serving, on this socket and on a new one (fuzzed role writes may have narrowed anonymous rights: a 401 envelope
        // is an answer too).
        var now = await ExchangeAsync(client, """{"controller":"server","action":"now","requestId":"after"}""", "after", raw: false);
        Assert.That(Problem(now, "after"), Is.Null, now.ToString());
        await using var fresh = await server.ConnectAsync();
        var freshNow = await ExchangeAsync(fresh, """{"controller":"server","action":"now","requestId":"fresh"}""", "fresh", raw: false);
        Assert.That(Problem(freshNow, "fresh"), Is.Null, freshNow.ToString());
    }

    [TestCase(11)]
    [TestCase(12)]
    [TestCase(13)]
    [TestCase(14)]
    [TestCase(15)]
    [TestCase(16)]
    [TestCase(17, true)]
    [TestCase(18, true)]
    public async Task Random_http_requests_to_every_route_get_an_envelope_and_never_an_internal_error(int seed, bool asAdmin = false)
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        string? jwt = null;
        if (asAdmin)
        {
            await using var setup = await server.ConnectAsync();
            var admin = await setup.RequestAsync("""{"controller":"security","action":"createFirstAdmin","_id":"root","requestId":"admin","body":{"content":{},"credentials":{"local":{"username":"root","password":"root-password-1"}}}}""");
            Assert.That(admin.GetProperty("status").GetInt32(), Is.EqualTo(200), admin.ToString());
            jwt = await LoginAgainAsync(server);
        }

        var api = TestServer.Json(await http.GetStringAsync("/_publicApi")).GetProperty("result");
        var routes = api.EnumerateObject()
            .SelectMany(c => c.Value.EnumerateObject()
                .Where(a => !Skipped.Contains($"{c.Name}:{a.Name}") && a.Value.TryGetProperty("http", out _))
                .SelectMany(a => a.Value.GetProperty("http").EnumerateArray()
                    .Select(r => (Verb: r.GetProperty("verb").GetString()!, Path: r.GetProperty("path").GetString()!, Action: $"{c.Name}:{a.Name}"))))
            .Where(r => r.Action != "server:openapi") // Raw, not an envelope.
            .ToList();
        Assert.That(routes, Has.Count.GreaterThan(50), "the server lists its routes");

        var random = new Random(seed);
        var failures = new List<string>();
        var sent = 0;
        for (var round = 0; round < 4; round++)
        {
            foreach (var (verb, path, action) in routes.OrderBy(_ => random.Next()))
            {
                sent++;
                var url = string.Join('/', path.Split('/').Select(segment => segment.StartsWith(':')
                    ? Uri.EscapeDataString(random.Next(3) == 0 ? Words[random.Next(Words.Length)] : RandomValue(random, 2)?.ToJsonString() ?? "null")
                    : segment));
                var query = string.Join('&', Enumerable.Range(0, random.Next(0, 4)).Select(_ =>
                    ArgumentNames[random.Next(ArgumentNames.Length)] + "=" + Uri.EscapeDataString(RandomValue(random, 2)?.ToJsonString().Trim('"') ?? "")));
                using var request = new HttpRequestMessage(new HttpMethod(verb), query.Length > 0 ? $"{url}?{query}" : url);
                if (verb is "POST" or "PUT")
                {
                    var body = random.Next(6) switch
                    {
                        0 => "{not json",
                        1 => RandomValue(random, 0)?.ToJsonString() ?? "null",
                        _ => RandomObject(random, 0, BodyNames).ToJsonString(),
                    };
                    request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                }

                if (jwt is not null && random.Next(10) != 0)
                {
                    request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + jwt);
                }

                using var response = await http.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                if (jwt is not null && text.Contains("\"security.token.invalid\"", StringComparison.Ordinal))
                {
                    jwt = await LoginAgainAsync(server); // Revoked by a fuzzed request; null once root is gone.
                }

                if (HttpProblem((int)response.StatusCode, text) is { } problem)
                {
                    failures.Add($"{problem} ({action})\n  sent: {verb} {Shorten(request.RequestUri!.ToString())}\n  got:  {(int)response.StatusCode} {Shorten(text)}");
                }
            }
        }

        Assert.That(failures, Is.Empty, $"{failures.Count} of {sent} requests:\n{string.Join("\n", failures.Take(15))}");
        // Still serving (a fresh client: this one may hold a cookie of a token a fuzzed request revoked, and fuzzed role
        // writes may have narrowed anonymous rights, so a 401 envelope is an answer too).
        using var fresh = server.CreateHttpClient();
        using var now = await fresh.GetAsync("/_now");
        Assert.That(HttpProblem((int)now.StatusCode, await now.Content.ReadAsStringAsync()), Is.Null);
    }

    // Cases black-box testing found (issue: wire mismatches and bad input): each once, by name, so they stay fixed.
    [TestCase("controller")]
    [TestCase("action")]
    [TestCase("jwt")]
    [TestCase("requestId")]
    [TestCase("index")]
    [TestCase("body.roomId")]
    [TestCase("body key")]
    [TestCase("volatile")]
    public async Task A_lone_surrogate_in_any_string_gets_a_400_frame_and_the_socket_stays_usable(string where)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        const string bad = "\\ud800"; // JSON text \ud800: a lone high surrogate.
        var frame = where switch
        {
            "controller" => $$$"""{"controller":"{{{bad}}}","action":"now","requestId":"ls"}""",
            "action" => $$$"""{"controller":"server","action":"{{{bad}}}","requestId":"ls"}""",
            "jwt" => $$$"""{"controller":"server","action":"now","requestId":"ls","jwt":"{{{bad}}}"}""",
            "requestId" => $$$"""{"controller":"server","action":"now","requestId":"{{{bad}}}"}""",
            "index" => $$$"""{"controller":"realtime","action":"subscribe","collection":"c","requestId":"ls","index":"{{{bad}}}","body":{}}""",
            "body.roomId" => $$$"""{"controller":"realtime","action":"join","requestId":"ls","body":{"roomId":"{{{bad}}}"}}""",
            "body key" => $$$"""{"controller":"realtime","action":"publish","index":"i","collection":"c","requestId":"ls","body":{"{{{bad}}}":1}}""",
            _ => $$$"""{"controller":"server","action":"now","requestId":"ls","volatile":{"v":"{{{bad}}}"}}""",
        };
        await client.SendTextAsync(frame);
        var answer = await client.ReceiveJsonAsync();
        Assert.That(answer.GetProperty("status").GetInt32(), Is.EqualTo(400), $"{frame} → {answer}");
        Assert.That(answer.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("network.websocket.unexpected_error"));
        if (where != "requestId")
        {
            Assert.That(answer.GetProperty("requestId").GetString(), Is.EqualTo("ls"), "the client's request id is kept when it is readable");
        }

        var now = await client.RequestAsync("""{"controller":"server","action":"now","requestId":"after"}""");
        Assert.That(now.GetProperty("status").GetInt32(), Is.EqualTo(200), "the socket is still usable");
    }

    [Test]
    public async Task MGetUsers_takes_ids_as_a_comma_separated_string()
    {
        await using var server = await TestServer.StartAsync();
        await TestUsers.CreateAsync(server, "fz-a", "fz-a", "password-a");
        await TestUsers.CreateAsync(server, "fz-b", "fz-b", "password-b");
        await using var client = await server.ConnectAsync();
        var byString = await client.RequestAsync("""{"controller":"security","action":"mGetUsers","ids":"fz-a, fz-b","requestId":"m1"}""");
        Assert.That(byString.GetProperty("status").GetInt32(), Is.EqualTo(200), byString.ToString());
        Assert.That(byString.GetProperty("result").GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("_id").GetString()), Is.EquivalentTo(new[] { "fz-a", "fz-b" }));

        using var http = server.CreateHttpClient();
        var overHttp = TestServer.Json(await http.GetStringAsync("/users/_mGet?ids=fz-a,fz-b"));
        Assert.That(overHttp.GetProperty("result").GetProperty("hits").GetArrayLength(), Is.EqualTo(2));
        var jsonForm = TestServer.Json(await http.GetStringAsync("/users/_mGet?ids=" + Uri.EscapeDataString("[\"fz-a\"]")));
        Assert.That(jsonForm.GetProperty("result").GetProperty("hits").GetArrayLength(), Is.EqualTo(1));
    }

    [TestCase("null", "api.assert.body_required")]
    [TestCase("", "api.assert.body_required")]
    [TestCase(null, "api.assert.body_required")]
    [TestCase("{\"controller\":\"server\",\"action\":\"now\",\"x\":\"\\ud800\"}", "network.http.body_parse_failed")]
    public async Task Http_query_without_a_usable_body_gets_a_4xx_with_an_error_id(string? body, string errorId)
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/_query");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(400), text);
        Assert.That(HttpProblem((int)response.StatusCode, text), Is.Null, text);
        var json = TestServer.Json(text);
        var id = json.TryGetProperty("error", out var error) ? error.GetProperty("id").GetString() : json.GetProperty("id").GetString();
        Assert.That(id, Is.EqualTo(errorId));
    }

    [Test]
    public async Task Http_lone_surrogate_in_a_route_body_or_the_volatile_header_gets_a_400()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        using var login = await http.PostAsync("/_login/local", new StringContent("{\"username\":\"\\ud800\"}", Encoding.UTF8, "application/json"));
        var loginText = await login.Content.ReadAsStringAsync();
        Assert.That((int)login.StatusCode, Is.EqualTo(400), loginText);
        Assert.That(TestServer.Json(loginText).GetProperty("id").GetString(), Is.EqualTo("network.http.body_parse_failed"));

        using var withVolatile = new HttpRequestMessage(HttpMethod.Get, "/_now");
        withVolatile.Headers.TryAddWithoutValidation("X-Kuzzle-Volatile", "{\"v\":\"\\ud800\"}");
        using var volatileResponse = await http.SendAsync(withVolatile);
        var volatileText = await volatileResponse.Content.ReadAsStringAsync();
        Assert.That((int)volatileResponse.StatusCode, Is.EqualTo(400), volatileText);
        Assert.That(TestServer.Json(volatileText).GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("network.http.volatile_parse_failed"));
    }

    private static string? HttpProblem(int httpStatus, string text)
    {
        if (httpStatus is 414 or 431 && text.Length == 0)
        {
            return null; // Request line or headers over the configured limits: refused by the HTTP server before any parsing.
        }

        JsonElement response;
        try
        {
            response = TestServer.Json(text);
        }
        catch (JsonException)
        {
            return "not JSON";
        }

        if (response.ValueKind != JsonValueKind.Object || !response.TryGetProperty("status", out var status) || status.GetInt32() != httpStatus)
        {
            return "status missing or not the HTTP status";
        }

        // A body that cannot be read or decoded gets Kuzzle's bare error object, before routing (protocol.md §5.1).
        if (response.TryGetProperty("id", out var bareId) && bareId.GetString() is { } bare)
        {
            return bare.StartsWith("network.http.", StringComparison.Ordinal) && response.TryGetProperty("message", out _) ? null : "malformed bare error";
        }

        if (httpStatus < 400)
        {
            return null;
        }

        if (!response.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object || !error.TryGetProperty("message", out _))
        {
            return "malformed error";
        }

        var id = error.TryGetProperty("id", out var errorId) ? errorId.GetString() : null;
        return httpStatus >= 500 && (id is null || !ExpectedServerErrors.Contains(id)) ? $"status {httpStatus} ({id})" : null;
    }

    // The answer is the frame with our requestId whose room is that id, or which has no room at all: a request that could not be
    // built (a field of the wrong type) gets Kuzzle's id-less error frame (protocol.md §4.2). Notifications have their channel as room.
    // server:openapi answers raw, without envelope: its document with our id as room, or (YAML) a bare JSON string (server.md).
    private static async Task<JsonElement> ExchangeAsync(WsClient client, string frame, string requestId, bool raw)
    {
        await client.SendTextAsync(frame);
        while (true)
        {
            var received = await client.ReceiveJsonAsync();
            var room = received.ValueKind == JsonValueKind.Object && received.TryGetProperty("room", out var r) ? r.GetString() : null;
            if (raw && (received.ValueKind == JsonValueKind.String || (room == requestId && received.TryGetProperty("swagger", out _))))
            {
                return default;
            }

            if (received.ValueKind == JsonValueKind.Object && received.TryGetProperty("requestId", out var id) && id.ValueKind == JsonValueKind.String
                && id.GetString() == requestId && (room is null || room == requestId))
            {
                return received;
            }
        }
    }

    private static async Task<string?> LoginAgainAsync(TestServer server)
    {
        // A fresh socket: logins are limited per socket and per second.
        await using var socket = await server.ConnectAsync();
        var login = await socket.RequestAsync("""{"controller":"auth","action":"login","strategy":"local","requestId":"relogin","body":{"username":"root","password":"root-password-1"}}""");
        return login.GetProperty("status").GetInt32() == 200 ? login.GetProperty("result").GetProperty("jwt").GetString() : null;
    }

    private static string? Problem(JsonElement response, string requestId)
    {
        if (response.ValueKind == JsonValueKind.Undefined)
        {
            return null; // A raw answer (see ExchangeAsync).
        }

        if (!response.TryGetProperty("room", out _))
        {
            // Kuzzle's BadRequest/Internal error without id or code (protocol.md §2): a message and a 400.
            return response.TryGetProperty("status", out var s) && s.GetInt32() == 400
                && response.TryGetProperty("error", out var e) && e.TryGetProperty("message", out _)
                ? null
                : "a frame without room that is not the id-less 400";
        }

        if (!response.TryGetProperty("status", out var statusElement) || statusElement.ValueKind != JsonValueKind.Number)
        {
            return "no status";
        }

        if (!response.TryGetProperty("requestId", out var id) || id.GetString() != requestId)
        {
            return "requestId not echoed";
        }

        var status = statusElement.GetInt32();
        if (status < 400)
        {
            // 206: a partial success (mGet/mDelete) carries the error of what failed.
            return status != 206 && response.TryGetProperty("error", out var none) && none.ValueKind != JsonValueKind.Null ? "success with an error" : null;
        }

        if (!response.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object
            || !error.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.String
            || !error.TryGetProperty("status", out var errorStatus) || errorStatus.GetInt32() != status)
        {
            return "malformed error";
        }

        if (!error.TryGetProperty("id", out var errorId) || !error.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.Number)
        {
            // Strategies' own rule violations are plain errors without id or code, as Kuzzle's local plugin throws them (auth.md §5.4).
            return status < 500 ? null : "id-less internal error";
        }

        return status >= 500 && !ExpectedServerErrors.Contains(errorId.GetString()!) ? $"status {status} ({errorId.GetString()})" : null;
    }

    private static string RandomFrame(Random random, string controller, string action, string requestId, string? jwt)
    {
        var frame = random.Next(2) == 0 ? WildFrame(random, controller, action, requestId) : PlausibleFrame(random, controller, action, requestId);
        return jwt is not null && random.Next(10) != 0 && !frame.Contains("\"jwt\"", StringComparison.Ordinal)
            ? frame.Insert(1, $"\"jwt\":\"{jwt}\",")
            : frame;
    }

    // Well-typed arguments and bodies shaped like real ones, with random names and values inside: these get past argument checks
    // and reach the actions' own logic (stores, strategies, filters).
    private static string PlausibleFrame(Random random, string controller, string action, string requestId)
    {
        string Word() => Words[random.Next(Words.Length)];
        var frame = new JsonObject
        {
            ["controller"] = controller,
            ["action"] = action,
            ["requestId"] = requestId,
            ["_id"] = random.Next(4) == 0 ? "fz-user" : Word(),
            ["index"] = "i",
            ["collection"] = "c",
        };
        if (random.Next(2) == 0)
        {
            frame["strategy"] = random.Next(3) == 0 ? Word() : "local";
        }

        if (random.Next(3) == 0)
        {
            frame[ArgumentNames[random.Next(ArgumentNames.Length)]] = random.Next(2) == 0 ? Word() : random.Next(0, 20);
        }

        var body = new JsonObject();
        switch (random.Next(8))
        {
            case 0:
                body["content"] = new JsonObject { ["profileIds"] = new JsonArray(Word()), ["name"] = Word() };
                body["credentials"] = new JsonObject { ["local"] = new JsonObject { ["username"] = Word(), ["password"] = Word() } };
                break;
            case 1:
                body["policies"] = new JsonArray(new JsonObject
                {
                    ["roleId"] = Word(),
                    ["restrictedTo"] = random.Next(2) == 0 ? new JsonArray(new JsonObject { ["index"] = "i", ["collections"] = new JsonArray("c") }) : null,
                });
                break;
            case 2:
                body["controllers"] = new JsonObject { [Word()] = new JsonObject { ["actions"] = new JsonObject { [Word()] = random.Next(2) == 0 } } };
                break;
            case 3:
                body["query"] = random.Next(2) == 0
                    ? new JsonObject { ["term"] = new JsonObject { [Word()] = Word() } }
                    : new JsonObject { ["equals"] = new JsonObject { [Word()] = Word() } };
                body["sort"] = new JsonArray(new JsonObject { ["_id"] = random.Next(2) == 0 ? "asc" : "desc" });
                break;
            case 4:
                body["username"] = Word();
                body["password"] = Word();
                break;
            case 5:
                body = RandomObject(random, 1, BodyNames);
                break;
            case 6:
                body[Word()] = RandomValue(random, 1);
                body["roomId"] = Word();
                break;
            default:
                body["controller"] = random.Next(2) == 0 ? "server" : Word();
                body["action"] = random.Next(2) == 0 ? "now" : Word();
                body["ids"] = new JsonArray(Word(), "fz-user");
                break;
        }

        frame["body"] = body;
        return frame.ToJsonString();
    }

    private static string WildFrame(Random random, string controller, string action, string requestId)
    {
        var frame = new JsonObject { ["controller"] = controller, ["action"] = action, ["requestId"] = requestId };
        var argumentCount = random.Next(0, 5);
        for (var i = 0; i < argumentCount; i++)
        {
            frame[ArgumentNames[random.Next(ArgumentNames.Length)]] = RandomValue(random, 0);
        }

        switch (random.Next(4))
        {
            case 0:
                break; // No body.
            case 1:
                frame["body"] = RandomValue(random, 0);
                break;
            default:
                frame["body"] = RandomObject(random, 0, BodyNames);
                break;
        }

        if (random.Next(8) == 0)
        {
            frame["volatile"] = RandomValue(random, 1);
        }

        if (random.Next(10) == 0)
        {
            frame["jwt"] = RandomValue(random, 2);
        }

        return frame.ToJsonString();
    }

    private static JsonNode? RandomValue(Random random, int depth) => random.Next(depth >= 3 ? 9 : 12) switch
    {
        0 => null,
        1 => random.Next(2) == 0,
        2 => random.Next(-3, 20),
        3 => random.Next(3) switch { 0 => long.MaxValue, 1 => -1e300, _ => 1.5 },
        4 => string.Empty,
        5 => Words[random.Next(Words.Length)],
        6 => new string('x', random.Next(2) == 0 ? 300 : 20_000),
        7 => random.Next(2) == 0 ? "é💥\u0000" : "\ud800", // a lone surrogate: valid JSON escape, invalid UTF-16.
        8 => Words[random.Next(Words.Length)] + random.Next(1000),
        9 => new JsonArray([.. Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomValue(random, depth + 1))]),
        _ => RandomObject(random, depth + 1, random.Next(2) == 0 ? BodyNames : Words),
    };

    private static JsonObject RandomObject(Random random, int depth, string[] names)
    {
        var result = new JsonObject();
        var count = random.Next(0, 5);
        for (var i = 0; i < count; i++)
        {
            result[names[random.Next(names.Length)]] = RandomValue(random, depth + 1);
        }

        return result;
    }

    private static string Shorten(string text)
    {
        var builder = new StringBuilder(text.Length > 600 ? text[..600] + "…" : text);
        return builder.ToString();
    }
}

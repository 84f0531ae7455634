using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Auth;

/// <summary>The "Authenticate users" flow over raw WebSocket frames and raw HTTP (auth.md §2).</summary>
[TestFixture]
public sealed class AuthFlowTests
{
    private TestServer _server = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        // Many failed logins on purpose below: the address limit must not trip across tests.
        _server = await TestServer.StartAsync("--Kuzzle:Security:LoginThrottle:MaxFailuresPerAddress=10000", "--Kuzzle:Security:LoginThrottle:MaxFailuresPerAccount=3");
        _http = _server.CreateHttpClient();
        await TestUsers.CreateAsync(_server, "najada-kuid", "najada", "password", "default");
        await TestUsers.CreateAsync(_server, "other-kuid", "other", "secret-1", "default");
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task Login_returns_a_token_that_authenticates_websocket_frames()
    {
        await using var ws = await _server.ConnectAsync();
        var login = await Request(ws, """{"controller":"auth","action":"login","strategy":"local","body":{"username":"najada","password":"password"}}""");

        var result = login.GetProperty("result");
        Assert.Multiple(() =>
        {
            Assert.That(login.GetProperty("status").GetInt32(), Is.EqualTo(200));
            Assert.That(result.GetProperty("_id").GetString(), Is.EqualTo("najada-kuid"));
            Assert.That(result.GetProperty("jwt").GetString(), Does.StartWith("kauth-"));
            Assert.That(result.GetProperty("ttl").GetInt64(), Is.EqualTo(3_600_000));
            Assert.That(result.GetProperty("expiresAt").GetInt64(), Is.GreaterThan(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            Assert.That(result.ToString(), Does.Not.Contain("password"));
        });

        var jwt = result.GetProperty("jwt").GetString();
        var me = await Request(ws, $$"""{"controller":"auth","action":"getCurrentUser","jwt":"{{jwt}}"}""");
        Assert.That(me.GetProperty("result").GetProperty("_id").GetString(), Is.EqualTo("najada-kuid"));
        Assert.That(me.GetProperty("result").GetProperty("strategies").EnumerateArray().Select(s => s.GetString()), Is.EqualTo(new[] { "local" }));
        Assert.That(me.GetProperty("result").GetProperty("_source").GetProperty("profileIds")[0].GetString(), Is.EqualTo("default"));
    }

    [Test]
    public async Task The_same_token_works_as_an_http_bearer_token()
    {
        using var login = await _http.PostAsync("/_login/local", Json("""{"username":"najada","password":"password"}"""));
        var jwt = (await Body(login)).GetProperty("result").GetProperty("jwt").GetString();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/_me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
        using var me = await _http.SendAsync(request);

        Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await Body(me)).GetProperty("result").GetProperty("_id").GetString(), Is.EqualTo("najada-kuid"));
    }

    [Test]
    public async Task Anonymous_callers_get_the_anonymous_user()
    {
        using var me = await _http.GetAsync("/_me");
        var result = (await Body(me)).GetProperty("result");

        Assert.That(result.GetProperty("_id").GetString(), Is.EqualTo("-1"));
        Assert.That(result.GetProperty("strategies").GetArrayLength(), Is.Zero);
        Assert.That(result.GetProperty("_source").GetProperty("profileIds")[0].GetString(), Is.EqualTo("anonymous"));
    }

    [TestCase("najada", "wrong", "wrong username or password")]
    [TestCase("nobody", "password", "wrong username or password")]
    public async Task Bad_credentials_are_one_and_the_same_error(string username, string password, string message)
    {
        using var response = await _http.PostAsync("/_login/local", Json($$"""{"username":"{{username}}","password":"{{password}}"}"""));
        var error = (await Body(response)).GetProperty("error");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((error.GetProperty("id").GetString(), error.GetProperty("message").GetString()), Is.EqualTo(("plugin.strategy.missing_user", message)));
    }

    [Test]
    public async Task Missing_or_unknown_strategies_are_refused()
    {
        await using var ws = await _server.ConnectAsync();
        var missing = await Request(ws, """{"controller":"auth","action":"login","body":{"username":"najada","password":"password"}}""");
        var unknown = await Request(ws, """{"controller":"auth","action":"login","strategy":"ldap","body":{}}""");

        Assert.That(ErrorId(missing), Is.EqualTo("api.assert.missing_argument"));
        Assert.That(ErrorId(unknown), Is.EqualTo("security.credentials.unknown_strategy"));
    }

    [Test]
    public async Task ExpiresIn_is_honoured()
    {
        await using var ws = await _server.ConnectAsync();
        var login = await Request(ws, """{"controller":"auth","action":"login","strategy":"local","expiresIn":"2h","body":{"username":"najada","password":"password"}}""");

        Assert.That(login.GetProperty("result").GetProperty("ttl").GetInt64(), Is.EqualTo(7_200_000));
    }

    [TestCase("\"soon\"")]
    [TestCase("-5")]
    public async Task A_bad_expiresIn_is_an_invalid_argument(string value)
    {
        await using var ws = await _server.ConnectAsync();
        var login = await Request(ws, $$$"""{"controller":"auth","action":"login","strategy":"local","expiresIn":{{{value}}},"body":{"username":"najada","password":"password"}}""");

        Assert.That(ErrorId(login), Is.EqualTo("api.assert.invalid_argument"));
    }

    [Test]
    public async Task Logout_revokes_the_token_at_once()
    {
        await using var ws = await _server.ConnectAsync();
        var jwt = await TestUsers.LoginAsync(ws, "najada", "password");

        var logout = await Request(ws, $$"""{"controller":"auth","action":"logout","jwt":"{{jwt}}"}""");
        var after = await Request(ws, $$"""{"controller":"server","action":"now","jwt":"{{jwt}}"}""");

        Assert.That(logout.GetProperty("result").GetProperty("acknowledged").GetBoolean(), Is.True);
        Assert.That(ErrorId(after), Is.EqualTo("security.token.invalid"));
    }

    [Test]
    public async Task Global_logout_revokes_every_token_of_the_user_only()
    {
        await using var first = await _server.ConnectAsync();
        await using var second = await _server.ConnectAsync();
        await using var third = await _server.ConnectAsync();
        var one = await TestUsers.LoginAsync(first, "najada", "password");
        var two = await TestUsers.LoginAsync(second, "najada", "password");
        var others = await TestUsers.LoginAsync(third, "other", "secret-1");

        await Request(first, $$"""{"controller":"auth","action":"logout","global":true,"jwt":"{{one}}"}""");

        Assert.That(ErrorId(await Request(second, $$"""{"controller":"server","action":"now","jwt":"{{two}}"}""")), Is.EqualTo("security.token.invalid"));
        Assert.That((await Request(third, $$"""{"controller":"server","action":"now","jwt":"{{others}}"}""")).GetProperty("status").GetInt32(), Is.EqualTo(200));
    }

    [Test]
    public async Task Logout_is_for_authenticated_users()
    {
        await using var ws = await _server.ConnectAsync();
        var logout = await Request(ws, """{"controller":"auth","action":"logout"}""");

        Assert.That(ErrorId(logout), Is.EqualTo("security.rights.unauthorized"));
        Assert.That(logout.GetProperty("status").GetInt32(), Is.EqualTo(401));
    }

    [Test]
    public async Task Logout_keeps_the_callers_subscriptions_but_drops_those_of_other_connections_on_the_token()
    {
        await using var caller = await _server.ConnectAsync();
        await using var sibling = await _server.ConnectAsync();
        await using var publisher = await _server.ConnectAsync();
        var jwt = await TestUsers.LoginAsync(caller, "najada", "password");
        await Request(caller, $$"""{"controller":"realtime","action":"subscribe","index":"i","collection":"logout-a","body":{},"jwt":"{{jwt}}"}""");
        await Request(sibling, $$"""{"controller":"realtime","action":"subscribe","index":"i","collection":"logout-b","body":{},"jwt":"{{jwt}}"}""");

        await Request(caller, $$"""{"controller":"auth","action":"logout","jwt":"{{jwt}}"}""");

        var rooms = await Request(publisher, """{"controller":"realtime","action":"list"}""");
        var collections = rooms.GetProperty("result").GetProperty("i");
        Assert.That(collections.TryGetProperty("logout-a", out _), Is.True, rooms.ToString());
        Assert.That(collections.TryGetProperty("logout-b", out _), Is.False, rooms.ToString());
    }

    [Test]
    public async Task CheckToken_tells_valid_invalid_and_anonymous_apart()
    {
        await using var ws = await _server.ConnectAsync();
        var jwt = await TestUsers.LoginAsync(ws, "najada", "password");

        var valid = (await Request(ws, $$$"""{"controller":"auth","action":"checkToken","body":{"token":"{{{jwt}}}"}}""")).GetProperty("result");
        var invalid = (await Request(ws, """{"controller":"auth","action":"checkToken","body":{"token":"kauth-forged"}}""")).GetProperty("result");
        var anonymous = (await Request(ws, """{"controller":"auth","action":"checkToken","body":{}}""")).GetProperty("result");
        var wrongType = await Request(ws, """{"controller":"auth","action":"checkToken","body":{"token":42}}""");

        Assert.Multiple(() =>
        {
            Assert.That((valid.GetProperty("valid").GetBoolean(), valid.GetProperty("kuid").GetString()), Is.EqualTo((true, "najada-kuid")));
            Assert.That(valid.GetProperty("expiresAt").GetInt64(), Is.GreaterThan(0));
            Assert.That((invalid.GetProperty("valid").GetBoolean(), invalid.GetProperty("state").GetString()), Is.EqualTo((false, "Invalid token.")));
            Assert.That((anonymous.GetProperty("valid").GetBoolean(), anonymous.GetProperty("kuid").GetString()), Is.EqualTo((true, "-1")));
            Assert.That(anonymous.GetProperty("expiresAt").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(ErrorId(wrongType), Is.EqualTo("api.assert.invalid_type"));
        });
    }

    [Test]
    public async Task RefreshToken_issues_a_new_token_and_keeps_the_old_one_for_the_grace_period()
    {
        await using var ws = await _server.ConnectAsync();
        var old = await TestUsers.LoginAsync(ws, "najada", "password");

        var refreshed = await Request(ws, $$"""{"controller":"auth","action":"refreshToken","expiresIn":"30m","jwt":"{{old}}"}""");
        var fresh = refreshed.GetProperty("result").GetProperty("jwt").GetString();
        var oldStillPasses = await Request(ws, $$"""{"controller":"server","action":"now","jwt":"{{old}}"}""");
        var again = await Request(ws, $$"""{"controller":"auth","action":"refreshToken","jwt":"{{old}}"}""");
        await Task.Delay(1300);
        var oldAfterGrace = await Request(ws, $$"""{"controller":"server","action":"now","jwt":"{{old}}"}""");
        var freshWorks = await Request(ws, $$"""{"controller":"server","action":"now","jwt":"{{fresh}}"}""");

        Assert.Multiple(() =>
        {
            Assert.That(refreshed.GetProperty("result").GetProperty("ttl").GetInt64(), Is.EqualTo(1_800_000));
            Assert.That(fresh, Is.Not.EqualTo(old));
            Assert.That(oldStillPasses.GetProperty("status").GetInt32(), Is.EqualTo(200));
            Assert.That(ErrorId(again), Is.EqualTo("security.token.invalid"));
            Assert.That(ErrorId(oldAfterGrace), Is.EqualTo("security.token.invalid"));
            Assert.That(freshWorks.GetProperty("status").GetInt32(), Is.EqualTo(200));
        });
    }

    [Test]
    public async Task A_single_use_token_serves_one_request()
    {
        await using var ws = await _server.ConnectAsync();
        var jwt = await TestUsers.LoginAsync(ws, "najada", "password");
        var created = await Request(ws, $$"""{"controller":"auth","action":"createToken","singleUse":true,"jwt":"{{jwt}}"}""");
        var token = created.GetProperty("result").GetProperty("token").GetString();

        var first = await Request(ws, $$"""{"controller":"auth","action":"getCurrentUser","jwt":"{{token}}"}""");
        var second = await Request(ws, $$"""{"controller":"auth","action":"getCurrentUser","jwt":"{{token}}"}""");

        Assert.That(created.GetProperty("result").GetProperty("singleUse").GetBoolean(), Is.True);
        Assert.That(first.GetProperty("result").GetProperty("_id").GetString(), Is.EqualTo("najada-kuid"));
        Assert.That(ErrorId(second), Is.EqualTo("security.token.invalid"));
    }

    [Test]
    public async Task CreateToken_refuses_an_infinite_lifetime()
    {
        await using var ws = await _server.ConnectAsync();
        var response = await Request(ws, """{"controller":"auth","action":"createToken","expiresIn":-1}""");

        Assert.That(ErrorId(response), Is.EqualTo("security.token.invalid_expiration"));
    }

    [TestCase("garbage")]
    [TestCase("kauth-eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJfaWQiOiJuYWphZGEta3VpZCJ9.")]
    [TestCase("")]
    public async Task Bad_tokens_are_invalid_on_both_protocols(string token)
    {
        await using var ws = await _server.ConnectAsync();
        var frame = await Request(ws, $$"""{"controller":"server","action":"now","jwt":"{{token}}"}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_now");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        using var http = await _http.SendAsync(request);

        Assert.That(ErrorId(frame), Is.EqualTo("security.token.invalid"));
        if (token.Length > 0)
        {
            Assert.That((await Body(http)).GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("security.token.invalid"));
        }
    }

    [Test]
    public async Task Own_credentials_can_be_read_checked_and_changed()
    {
        await TestUsers.CreateAsync(_server, "creds-kuid", "creds", "first-password", "default");
        await using var ws = await _server.ConnectAsync();
        var jwt = await TestUsers.LoginAsync(ws, "creds", "first-password");

        var exists = await Request(ws, $$"""{"controller":"auth","action":"credentialsExist","strategy":"local","jwt":"{{jwt}}"}""");
        var mine = await Request(ws, $$"""{"controller":"auth","action":"getMyCredentials","strategy":"local","jwt":"{{jwt}}"}""");
        var valid = await Request(ws, $$$"""{"controller":"auth","action":"validateMyCredentials","strategy":"local","jwt":"{{{jwt}}}","body":{"username":"creds","password":"another-one"}}""");
        var updated = await Request(ws, $$$"""{"controller":"auth","action":"updateMyCredentials","strategy":"local","jwt":"{{{jwt}}}","body":{"password":"second-password"}}""");
        var anonymous = await Request(ws, """{"controller":"auth","action":"getMyCredentials","strategy":"local"}""");

        Assert.Multiple(() =>
        {
            Assert.That(exists.GetProperty("result").GetBoolean(), Is.True);
            Assert.That(mine.GetProperty("result").ToString(), Is.EqualTo("""{"username":"creds","kuid":"creds-kuid"}"""));
            Assert.That(valid.GetProperty("result").GetBoolean(), Is.True, valid.ToString());
            Assert.That(updated.GetProperty("result").GetProperty("username").GetString(), Is.EqualTo("creds"));
            Assert.That(ErrorId(anonymous), Is.EqualTo("security.rights.unauthorized"));
        });

        await using var again = await _server.ConnectAsync();
        Assert.That(await TestUsers.LoginAsync(again, "creds", "second-password"), Does.StartWith("kauth-"));
    }

    [Test]
    public async Task Api_keys_authenticate_and_die_with_their_deletion()
    {
        await using var ws = await _server.ConnectAsync();
        var jwt = await TestUsers.LoginAsync(ws, "najada", "password");
        var created = await Request(ws, $$$"""{"controller":"auth","action":"createApiKey","_id":"najada-ci","jwt":"{{{jwt}}}","body":{"description":"CI key"}}""");
        var source = created.GetProperty("result").GetProperty("_source");
        var key = source.GetProperty("token").GetString();

        await using var keyed = await _server.ConnectAsync();
        var me = await Request(keyed, $$"""{"controller":"auth","action":"getCurrentUser","jwt":"{{key}}"}""");
        var relogin = await Request(keyed, """{"controller":"auth","action":"login","strategy":"local","body":{"username":"najada","password":"password"}}""");
        var deleted = await Request(ws, $$"""{"controller":"auth","action":"deleteApiKey","_id":"najada-ci","jwt":"{{jwt}}"}""");
        var after = await Request(keyed, $$"""{"controller":"server","action":"now","jwt":"{{key}}"}""");

        Assert.Multiple(() =>
        {
            Assert.That(created.GetProperty("result").GetProperty("_id").GetString(), Is.EqualTo("najada-ci"));
            Assert.That(key, Does.StartWith("kapikey-"));
            Assert.That((source.GetProperty("description").GetString(), source.GetProperty("userId").GetString(), source.GetProperty("ttl").GetInt64()), Is.EqualTo(("CI key", "najada-kuid", -1L)));
            Assert.That(me.GetProperty("result").GetProperty("_id").GetString(), Is.EqualTo("najada-kuid"));
            Assert.That(relogin.GetProperty("result").GetProperty("jwt").GetString(), Is.EqualTo(key), "login on a connection holding an API key returns it");
            Assert.That(deleted.GetProperty("result").GetProperty("_id").GetString(), Is.EqualTo("najada-ci"));
            Assert.That(ErrorId(after), Is.EqualTo("security.token.invalid"));
        });
    }

    [Test]
    public async Task Api_key_creation_needs_a_description()
    {
        await using var ws = await _server.ConnectAsync();
        var jwt = await TestUsers.LoginAsync(ws, "najada", "password");

        var noBody = await Request(ws, $$"""{"controller":"auth","action":"createApiKey","jwt":"{{jwt}}"}""");
        var noDescription = await Request(ws, $$$"""{"controller":"auth","action":"createApiKey","jwt":"{{{jwt}}}","body":{}}""");

        Assert.That(ErrorId(noBody), Is.EqualTo("api.assert.body_required"));
        Assert.That(ErrorId(noDescription), Is.EqualTo("api.assert.missing_argument"));
    }

    [Test]
    public async Task Failed_logins_lock_the_account_across_connections()
    {
        await TestUsers.CreateAsync(_server, "victim-kuid", "victim", "right-password", "default");
        for (var i = 0; i < 3; i++)
        {
            using var failed = await _http.PostAsync("/_login/local", Json("""{"username":"victim","password":"guess"}"""));
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        using var locked = await _http.PostAsync("/_login/local", Json("""{"username":"victim","password":"right-password"}"""));
        var error = (await Body(locked)).GetProperty("error");

        Assert.That((int)locked.StatusCode, Is.EqualTo(429));
        Assert.That(error.GetProperty("id").GetString(), Is.EqualTo("api.process.too_many_logins_requests"));
    }

    [Test]
    public async Task One_login_per_second_per_socket()
    {
        // The window is a wall-clock second (as Kuzzle's): two sequential logins may straddle its boundary, so three are sent
        // back to back; their checks span far less than a second, so at least two fall in one window.
        await using var ws = await _server.ConnectAsync();
        var frames = Enumerable.Range(0, 3)
            .Select(i => $$$"""{"controller":"auth","action":"login","strategy":"local","requestId":"burst-{{{i}}}","body":{"username":"other","password":"secret-1"} }""")
            .ToList();
        foreach (var frame in frames)
        {
            await ws.SendTextAsync(frame);
        }

        var answers = new List<System.Text.Json.JsonElement>();
        while (answers.Count < frames.Count)
        {
            answers.Add(await ws.ReceiveJsonAsync());
        }

        Assert.That(answers.Count(a => a.GetProperty("status").GetInt32() == 200), Is.GreaterThanOrEqualTo(1), string.Join("\n", answers));
        Assert.That(answers.Count(a => ErrorId(a) == "api.process.too_many_logins_requests"), Is.GreaterThanOrEqualTo(1), string.Join("\n", answers));
    }

    [Test]
    public async Task Cookie_login_sets_an_http_only_cookie_that_authenticates_and_logout_clears_it()
    {
        using var login = await _http.PostAsync("/_login/local?cookieAuth", Json("""{"username":"najada","password":"password"}"""));
        var result = (await Body(login)).GetProperty("result");
        var setCookie = login.Headers.GetValues("Set-Cookie").Single();
        var token = Uri.UnescapeDataString(setCookie.Split(';')[0]["authToken=".Length..]);

        Assert.That(result.TryGetProperty("jwt", out _), Is.False);
        Assert.That(setCookie, Does.Contain("HttpOnly").And.Contain("SameSite=Strict").And.Contain("Path=/").And.Contain("Expires="));

        using var me = new HttpRequestMessage(HttpMethod.Get, "/_me");
        me.Headers.Add("Cookie", "authToken=" + Uri.EscapeDataString(token));
        using var meResponse = await _http.SendAsync(me);
        Assert.That((await Body(meResponse)).GetProperty("result").GetProperty("_id").GetString(), Is.EqualTo("najada-kuid"));

        using var logout = new HttpRequestMessage(HttpMethod.Post, "/_logout?cookieAuth");
        logout.Headers.Add("Cookie", "authToken=" + Uri.EscapeDataString(token));
        using var logoutResponse = await _http.SendAsync(logout);
        Assert.That(logoutResponse.Headers.GetValues("Set-Cookie").Single(), Does.StartWith("authToken=null;"));

        using var check = await _http.PostAsync("/_checkToken", Json($$"""{"token":"{{token}}"}"""));
        Assert.That((await Body(check)).GetProperty("result").GetProperty("valid").GetBoolean(), Is.False);
    }

    [Test]
    public async Task A_lifetime_beyond_a_century_is_refused_and_a_century_works_with_a_cookie()
    {
        using var tooLong = await _http.PostAsync("/_login/local?cookieAuth&expiresIn=4000000000000000000", Json("""{"username":"najada","password":"password"}"""));
        Assert.That(ErrorId(await Body(tooLong)), Is.EqualTo("api.assert.invalid_argument"));

        await Task.Delay(1100); // One login per second per connection.
        using var century = await _http.PostAsync("/_login/local?cookieAuth&expiresIn=99y", Json("""{"username":"najada","password":"password"}"""));
        Assert.That((int)century.StatusCode, Is.EqualTo(200), await century.Content.ReadAsStringAsync());
        Assert.That(century.Headers.GetValues("Set-Cookie").Single(), Does.Contain("Expires="));

        // The client keeps cookies: log out so the other tests of this fixture stay anonymous.
        using var logout = await _http.PostAsync("/_logout?cookieAuth", null);
        Assert.That(logout.Headers.GetValues("Set-Cookie").Single(), Does.StartWith("authToken=null;"));
    }

    private static async Task<JsonElement> Request(WsClient client, string frame)
    {
        using var doc = JsonDocument.Parse(frame);
        var withId = new Dictionary<string, JsonElement>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            withId[p.Name] = p.Value.Clone();
        }

        withId["requestId"] = JsonDocument.Parse($"\"{Guid.NewGuid():N}\"").RootElement;
        return await client.RequestAsync(JsonSerializer.Serialize(withId));
    }

    private static string? ErrorId(JsonElement frame) =>
        frame.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e.GetProperty("id").GetString() : null;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> Body(HttpResponseMessage response) => TestServer.Json(await response.Content.ReadAsStringAsync());
}

using System.Text.Json;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Auth;

/// <summary>
/// What a logged-in user does about itself (updateSelf, getMyRights, checkRights, API key search, credential removal) and what an
/// administrator does about other users' tokens (security API keys, revokeTokens, deleteUser).
/// </summary>
[TestFixture]
public sealed class AuthSelfServiceTests
{
    private TestServer _server = null!;

    [OneTimeSetUp]
    public async Task Start() => _server = await TestServer.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    [Test]
    public async Task UpdateSelf_merges_content_and_refuses_profile_changes()
    {
        await TestUsers.CreateAsync(_server, "self-kuid", "self", "password", "default");
        await using var ws = await _server.ConnectAsync();
        var jwt = await TestUsers.LoginAsync(ws, "self", "password");

        var updated = await Send(ws, new { controller = "auth", action = "updateSelf", jwt, body = new { fullname = "Self Made" } });
        var escalation = await Send(ws, new { controller = "auth", action = "updateSelf", jwt, body = new { profileIds = new[] { "admin" } } });
        var noBody = await Send(ws, new { controller = "auth", action = "updateSelf", jwt });
        var anonymous = await Send(ws, new { controller = "auth", action = "updateSelf", body = new { fullname = "x" } });
        var me = await Send(ws, new { controller = "auth", action = "getCurrentUser", jwt });

        Assert.Multiple(() =>
        {
            var source = updated.GetProperty("result").GetProperty("_source");
            Assert.That(source.GetProperty("fullname").GetString(), Is.EqualTo("Self Made"));
            Assert.That(source.GetProperty("name").GetString(), Is.EqualTo("self"), "a shallow merge keeps other fields");
            Assert.That(source.GetProperty("_kuzzle_info").GetProperty("updater").GetString(), Is.EqualTo("self-kuid"));
            Assert.That(ErrorId(escalation), Is.EqualTo("api.assert.forbidden_argument"));
            Assert.That(ErrorId(noBody), Is.EqualTo("api.assert.body_required"));
            Assert.That(ErrorId(anonymous), Is.EqualTo("security.rights.unauthorized"));
            Assert.That(me.GetProperty("result").GetProperty("_source").GetProperty("profileIds").EnumerateArray().Select(p => p.GetString()), Is.EqualTo(new[] { "default" }));
        });
    }

    [Test]
    public async Task Changing_ones_password_ends_the_other_sessions_and_keeps_the_one_that_changed_it()
    {
        await TestUsers.CreateAsync(_server, "pw-self-kuid", "pw-self", "password-1", "default");
        await using var elsewhere = await _server.ConnectAsync();
        var other = await TestUsers.LoginAsync(elsewhere, "pw-self", "password-1");
        await using var ws = await _server.ConnectAsync();
        var jwt = await TestUsers.LoginAsync(ws, "pw-self", "password-1");

        var changed = await Send(ws, new { controller = "auth", action = "updateMyCredentials", strategy = "local", jwt, body = new { password = "password-2" } });
        Assert.That(changed.GetProperty("status").GetInt32(), Is.EqualTo(200), changed.ToString());

        var otherSession = await Send(elsewhere, new { controller = "auth", action = "getCurrentUser", jwt = other });
        var ownSession = await Send(ws, new { controller = "auth", action = "getCurrentUser", jwt });
        Assert.That(ErrorId(otherSession), Is.EqualTo("security.token.invalid"), "a token obtained with the old password is gone");
        Assert.That(ownSession.GetProperty("status").GetInt32(), Is.EqualTo(200), "the session that changed it stays");
    }

    [Test]
    public async Task An_admin_changing_a_password_ends_every_session_of_that_user()
    {
        await TestUsers.CreateAsync(_server, "pw-admin-kuid", "pw-admin", "password-1", "default");
        await using var user = await _server.ConnectAsync();
        var jwt = await TestUsers.LoginAsync(user, "pw-admin", "password-1");
        await using var admin = await _server.ConnectAsync(); // anonymous holds every right on a fresh server
        var changed = await Send(admin, new { controller = "security", action = "updateCredentials", strategy = "local", _id = "pw-admin-kuid", body = new { password = "password-2" } });
        Assert.That(changed.GetProperty("status").GetInt32(), Is.EqualTo(200), changed.ToString());
        Assert.That(ErrorId(await Send(user, new { controller = "auth", action = "getCurrentUser", jwt })), Is.EqualTo("security.token.invalid"));
    }

    [Test]
    public async Task With_RevokeSessionsOnPasswordChange_off_other_sessions_survive()
    {
        await using var server = await TestServer.StartAsync("--Kuzzle:Security:RevokeSessionsOnPasswordChange=false");
        await TestUsers.CreateAsync(server, "pw-keep-kuid", "pw-keep", "password-1", "default");
        await using var user = await server.ConnectAsync();
        var jwt = await TestUsers.LoginAsync(user, "pw-keep", "password-1");
        await using var admin = await server.ConnectAsync();
        var changed = await Send(admin, new { controller = "security", action = "updateCredentials", strategy = "local", _id = "pw-keep-kuid", body = new { password = "password-2" } });
        Assert.That(changed.GetProperty("status").GetInt32(), Is.EqualTo(200), changed.ToString());
        Assert.That((await Send(user, new { controller = "auth", action = "getCurrentUser", jwt })).GetProperty("status").GetInt32(), Is.EqualTo(200));
    }

    [Test]
    public async Task GetMyRights_and_checkRights_follow_the_roles()
    {
        await using var ws = await _server.ConnectAsync();
        await Ok(ws, new { controller = "security", action = "createRole", _id = "reader-role", body = new { controllers = new { server = new { actions = new Dictionary<string, bool> { ["now"] = true } }, auth = new { actions = new Dictionary<string, bool> { ["*"] = true } } } } });
        await Ok(ws, new { controller = "security", action = "createProfile", _id = "reader", body = new { policies = new[] { new { roleId = "reader-role" } } } });
        await TestUsers.CreateAsync(_server, "reader-kuid", "reader", "password", "reader");
        var jwt = await TestUsers.LoginAsync(ws, "reader", "password");

        var rights = await Send(ws, new { controller = "auth", action = "getMyRights", jwt });
        var mayNow = await Send(ws, new { controller = "auth", action = "checkRights", jwt, body = new { controller = "server", action = "now" } });
        var mayInfo = await Send(ws, new { controller = "auth", action = "checkRights", jwt, body = new { controller = "server", action = "info" } });
        var badPayload = await Send(ws, new { controller = "auth", action = "checkRights", jwt, body = new { controller = 3 } });
        var refused = await Send(ws, new { controller = "server", action = "info", jwt });

        Assert.Multiple(() =>
        {
            var hits = rights.GetProperty("result").GetProperty("hits").EnumerateArray()
                .Select(h => $"{h.GetProperty("controller").GetString()}:{h.GetProperty("action").GetString()}={h.GetProperty("value").GetString()}").ToList();
            Assert.That(hits, Is.EquivalentTo(new[] { "server:now=allowed", "auth:*=allowed" }));
            Assert.That(rights.GetProperty("result").GetProperty("total").GetInt32(), Is.EqualTo(2));
            Assert.That(mayNow.GetProperty("result").GetProperty("allowed").GetBoolean(), Is.True);
            Assert.That(mayInfo.GetProperty("result").GetProperty("allowed").GetBoolean(), Is.False);
            Assert.That(ErrorId(badPayload), Is.EqualTo("api.assert.missing_argument"));
            Assert.That((ErrorId(refused), refused.GetProperty("status").GetInt32()), Is.EqualTo(("security.rights.forbidden", 403)));
        });
    }

    [Test]
    public async Task SearchApiKeys_filters_the_callers_keys()
    {
        await TestUsers.CreateAsync(_server, "keys-kuid", "keys", "password", "default");
        await using var ws = await _server.ConnectAsync();
        var jwt = await TestUsers.LoginAsync(ws, "keys", "password");
        foreach (var description in new[] { "deploy robot", "backup robot", "dashboard" })
        {
            await Ok(ws, new { controller = "auth", action = "createApiKey", jwt, body = new { description } });
        }

        var robots = await Send(ws, new { controller = "auth", action = "searchApiKeys", jwt, body = new { match = new { description = "robot" } } });
        var all = await Send(ws, new { controller = "auth", action = "searchApiKeys", jwt, size = 2 });
        var koncorde = await Send(ws, new { controller = "auth", action = "searchApiKeys", jwt, lang = "koncorde", body = new { equals = new { description = "dashboard" } } });

        Assert.Multiple(() =>
        {
            Assert.That(robots.GetProperty("result").GetProperty("total").GetInt32(), Is.EqualTo(2), robots.ToString());
            Assert.That(all.GetProperty("result").GetProperty("hits").GetArrayLength(), Is.EqualTo(2));
            Assert.That(koncorde.GetProperty("result").GetProperty("hits")[0].GetProperty("_source").GetProperty("description").GetString(), Is.EqualTo("dashboard"));
            Assert.That(all.ToString(), Does.Not.Contain("\"token\""), "tokens are shown once, at creation");
        });
    }

    [Test]
    public async Task Deleting_ones_own_credentials_stops_password_logins()
    {
        await TestUsers.CreateAsync(_server, "nocreds-kuid", "nocreds", "password", "default");
        await using var ws = await _server.ConnectAsync();
        var jwt = await TestUsers.LoginAsync(ws, "nocreds", "password");

        var deleted = await Send(ws, new { controller = "auth", action = "deleteMyCredentials", strategy = "local", jwt });
        var exists = await Send(ws, new { controller = "auth", action = "credentialsExist", strategy = "local", jwt });
        await Task.Delay(1100); // one login per second per socket
        var login = await Send(ws, new { controller = "auth", action = "login", strategy = "local", body = new { username = "nocreds", password = "password" } });

        Assert.That(deleted.GetProperty("result").GetProperty("acknowledged").GetBoolean(), Is.True);
        Assert.That(exists.GetProperty("result").GetBoolean(), Is.False);
        Assert.That(ErrorId(login), Is.EqualTo("plugin.strategy.missing_user"));
    }

    [Test]
    public async Task Administrators_manage_other_users_api_keys()
    {
        await TestUsers.CreateAsync(_server, "robot-kuid", "robot", "password", "default");
        await using var ws = await _server.ConnectAsync();

        var created = await Send(ws, new { controller = "security", action = "createApiKey", userId = "robot-kuid", _id = "robot-key", body = new { description = "robot key" } });
        var token = created.GetProperty("result").GetProperty("_source").GetProperty("token").GetString();
        var asRobot = await Send(ws, new { controller = "auth", action = "getCurrentUser", jwt = token });
        var found = await Send(ws, new { controller = "security", action = "searchApiKeys", userId = "robot-kuid" });
        var wrongOwner = await Send(ws, new { controller = "security", action = "deleteApiKey", userId = "someone-else", _id = "robot-key" });
        var unknownUser = await Send(ws, new { controller = "security", action = "createApiKey", userId = "nobody", body = new { description = "x" } });
        var deleted = await Send(ws, new { controller = "security", action = "deleteApiKey", userId = "robot-kuid", _id = "robot-key" });
        var after = await Send(ws, new { controller = "server", action = "now", jwt = token });

        Assert.Multiple(() =>
        {
            Assert.That(asRobot.GetProperty("result").GetProperty("_id").GetString(), Is.EqualTo("robot-kuid"));
            Assert.That(found.GetProperty("result").GetProperty("total").GetInt32(), Is.EqualTo(1));
            Assert.That(ErrorId(wrongOwner), Is.EqualTo("services.storage.not_found"));
            Assert.That(ErrorId(unknownUser), Is.EqualTo("security.user.not_found"));
            Assert.That(deleted.GetProperty("result").GetProperty("_id").GetString(), Is.EqualTo("robot-key"));
            Assert.That(ErrorId(after), Is.EqualTo("security.token.invalid"));
        });
    }

    [Test]
    public async Task RevokeTokens_ends_every_session_of_a_user_but_keeps_api_keys()
    {
        await TestUsers.CreateAsync(_server, "revoked-kuid", "revoked", "password", "default");
        await using var ws = await _server.ConnectAsync();
        var jwt = await TestUsers.LoginAsync(ws, "revoked", "password");
        var key = (await Send(ws, new { controller = "auth", action = "createApiKey", jwt, body = new { description = "kept" } }))
            .GetProperty("result").GetProperty("_source").GetProperty("token").GetString();

        var revoke = await Send(ws, new { controller = "security", action = "revokeTokens", _id = "revoked-kuid" });

        Assert.That(revoke.GetProperty("status").GetInt32(), Is.EqualTo(200));
        Assert.That(ErrorId(await Send(ws, new { controller = "server", action = "now", jwt })), Is.EqualTo("security.token.invalid"));
        Assert.That((await Send(ws, new { controller = "server", action = "now", jwt = key })).GetProperty("status").GetInt32(), Is.EqualTo(200));
    }

    [Test]
    public async Task A_deleted_user_keeps_no_token_no_api_key_and_no_credentials()
    {
        await TestUsers.CreateAsync(_server, "gone-kuid", "gone", "password", "default");
        await using var ws = await _server.ConnectAsync();
        var jwt = await TestUsers.LoginAsync(ws, "gone", "password");
        var key = (await Send(ws, new { controller = "auth", action = "createApiKey", jwt, body = new { description = "doomed" } }))
            .GetProperty("result").GetProperty("_source").GetProperty("token").GetString();

        await Ok(ws, new { controller = "security", action = "deleteUser", _id = "gone-kuid" });

        Assert.That(ErrorId(await Send(ws, new { controller = "server", action = "now", jwt })), Is.EqualTo("security.token.invalid"));
        Assert.That(ErrorId(await Send(ws, new { controller = "server", action = "now", jwt = key })), Is.EqualTo("security.token.invalid"));
        await Task.Delay(1100);
        Assert.That(ErrorId(await Send(ws, new { controller = "auth", action = "login", strategy = "local", body = new { username = "gone", password = "password" } })), Is.EqualTo("plugin.strategy.missing_user"));
    }

    [Test]
    public async Task Anonymous_cannot_lose_login_whatever_its_role_says()
    {
        await using var server = await TestServer.StartAsync();
        await TestUsers.CreateAsync(server, "still-kuid", "still", "password", "default");
        await using var ws = await server.ConnectAsync();
        await Ok(ws, new { controller = "security", action = "restrictDefaultRights" });

        // A role that passes Kuzzle's lax login guard yet denies auth:login by §3.1 resolution.
        var tricky = await Send(ws, new { controller = "security", action = "updateRole", _id = "anonymous", body = new { controllers = new Dictionary<string, object> { ["auth"] = new { actions = new Dictionary<string, bool> { ["login"] = false } }, ["*"] = new { actions = new Dictionary<string, bool> { ["login"] = true } } } } });
        var login = await Send(ws, new { controller = "auth", action = "login", strategy = "local", body = new { username = "still", password = "password" } });

        Assert.That(login.GetProperty("status").GetInt32(), Is.EqualTo(200), $"role update: {tricky}; login: {login}");
    }

    private static async Task<JsonElement> Send(WsClient client, object request)
    {
        var json = JsonSerializer.SerializeToNode(request)!.AsObject();
        json["requestId"] = Guid.NewGuid().ToString("N");
        return await client.RequestAsync(json.ToJsonString());
    }

    private static async Task Ok(WsClient client, object request)
    {
        var response = await Send(client, request);
        Assert.That(response.GetProperty("status").GetInt32(), Is.EqualTo(200), response.ToString());
    }

    private static string? ErrorId(JsonElement frame) =>
        frame.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e.GetProperty("id").GetString() : null;
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Client.Tests.Support;

namespace Kuzzle.Realtime.Client.Tests;

/// <summary>Every action of the typed auth, security and server controllers against the real server, over both protocols.</summary>
[TestFixture(KuzzleProtocol.WebSocket)]
[TestFixture(KuzzleProtocol.Http)]
public sealed class ControllerTests(KuzzleProtocol protocol)
{
    private RealServer _server = null!;
    private KuzzleClient _admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await RealServer.StartAsync();
        _admin = await _server.ConnectAsync(protocol);
        Assert.That(await _admin.Server.AdminExistsAsync(), Is.False);
        var admin = await _admin.Security.CreateFirstAdminAsync("admin-kuid", new JsonObject
        {
            ["content"] = new JsonObject { ["name"] = "Admin" },
            ["credentials"] = new JsonObject { ["local"] = new JsonObject { ["username"] = "admin", ["password"] = "admin-password-1" } },
        });
        Assert.That(admin.ProfileIds, Is.EqualTo(new[] { "admin" }));
        await _admin.Auth.LoginAsync("local", Users.Local("admin", "admin-password-1"));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _admin.DisposeAsync();
        await _server.DisposeAsync();
    }

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private static JsonObject UserBody(string username, string password, params string[] profiles) => new()
    {
        ["content"] = new JsonObject
        {
            ["profileIds"] = new JsonArray([.. profiles.Select(p => (JsonNode)p)]),
            ["fullName"] = username.ToUpperInvariant(),
        },
        ["credentials"] = new JsonObject { ["local"] = new JsonObject { ["username"] = username, ["password"] = password } },
    };

    [Test]
    public async Task Server_actions()
    {
        var now = await _admin.Server.NowAsync();
        var info = await _admin.Server.InfoAsync();
        var config = await _admin.Server.GetConfigAsync();
        var capabilities = await _admin.Server.CapabilitiesAsync();
        var health = await _admin.Server.HealthCheckAsync();
        var metrics = await _admin.Server.MetricsAsync();
        var publicApi = await _admin.Server.PublicApiAsync();
        var openApi = await _admin.Server.OpenApiAsync();
        var lastStats = await _admin.Server.GetLastStatsAsync();
        var allStats = await _admin.Server.GetAllStatsAsync();
        var stats = await _admin.Server.GetStatsAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow);

        Assert.Multiple(async () =>
        {
            Assert.That(now, Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
            Assert.That(await _admin.Server.AdminExistsAsync(), Is.True);
            Assert.That(info.GetProperty("serverInfo").GetProperty("kuzzle").GetProperty("version").GetString(), Is.Not.Empty);
            Assert.That(config.ValueKind, Is.EqualTo(JsonValueKind.Object));
            Assert.That(capabilities.TryGetProperty("limits", out _), Is.True);
            Assert.That(health.TryGetProperty("status", out _), Is.True);
            Assert.That(metrics.TryGetProperty("realtime", out _), Is.True);
            Assert.That(publicApi.GetProperty("auth").GetProperty("login").GetProperty("action").GetString(), Is.EqualTo("login"));
            Assert.That(openApi.GetProperty("swagger").GetString(), Is.EqualTo("2.0"));
            Assert.That(lastStats.ValueKind, Is.EqualTo(JsonValueKind.Object));
            Assert.That(allStats.TryGetProperty("hits", out _), Is.True);
            Assert.That(stats.TryGetProperty("total", out _), Is.True);
        });
    }

    [Test]
    public async Task Security_user_actions()
    {
        var id = Unique("user");
        var username = Unique("name");
        var created = await _admin.Security.CreateUserAsync(id, UserBody(username, "user-password-1", "default"), refresh: "wait_for");
        var restricted = await _admin.Security.CreateRestrictedUserAsync(new JsonObject
        {
            ["content"] = new JsonObject { ["fullName"] = "Restricted" },
            ["credentials"] = new JsonObject { ["local"] = Users.Local(Unique("restricted"), "user-password-1") },
        }, refresh: "wait_for");
        var fetched = await _admin.Security.GetUserAsync(id);
        var updated = await _admin.Security.UpdateUserAsync(id, new JsonObject { ["city"] = "Lyon" });
        var replaced = await _admin.Security.ReplaceUserAsync(id, new JsonObject { ["profileIds"] = new JsonArray("default"), ["city"] = "Paris" });
        var many = await _admin.Security.MGetUsersAsync([id, restricted.Id, "nobody-" + id]);
        var searched = await _admin.Security.SearchUsersAsync(new JsonObject { ["query"] = new JsonObject { ["ids"] = new JsonObject { ["values"] = new JsonArray(id, restricted.Id) } } }, size: 1, scroll: "10s");
        var scrolled = await _admin.Security.ScrollUsersAsync(searched.ScrollId!, "10s");
        var rights = await _admin.Security.GetUserRightsAsync(id);
        var strategies = await _admin.Security.GetUserStrategiesAsync(id);
        var mayLogin = await _admin.Security.CheckRightsAsync(id, new JsonObject { ["controller"] = "auth", ["action"] = "login" });

        await using var user = await _server.ConnectAsync(protocol);
        await user.Auth.LoginAsync("local", Users.Local(username, "user-password-1"));
        await _admin.Security.RevokeTokensAsync(id);
        var revoked = await _admin.Auth.CheckTokenAsync(user.Jwt);
        var deleted = await _admin.Security.DeleteUserAsync(id, refresh: "wait_for");
        var mDeleted = await _admin.Security.MDeleteUsersAsync([restricted.Id], refresh: "wait_for");
        var mapping = await _admin.Security.GetUserMappingAsync();
        var newMapping = await _admin.Security.UpdateUserMappingAsync(new JsonObject { ["properties"] = new JsonObject { ["city"] = new JsonObject { ["type"] = "keyword" } } });
        var gone = (await Assert.ThrowsAsync<KuzzleException>(() => _admin.Security.GetUserAsync(id)))!;

        Assert.Multiple(() =>
        {
            Assert.That(created.Id, Is.EqualTo(id));
            Assert.That(created.Content.GetProperty("fullName").GetString(), Is.EqualTo(username.ToUpperInvariant()));
            Assert.That(restricted.ProfileIds, Is.EqualTo(new[] { "default" }));
            Assert.That(fetched.Id, Is.EqualTo(id));
            Assert.That(updated.Content.GetProperty("city").GetString(), Is.EqualTo("Lyon"));
            Assert.That(replaced.Content.GetProperty("city").GetString(), Is.EqualTo("Paris"));
            Assert.That(replaced.Content.TryGetProperty("fullName", out _), Is.False);
            Assert.That(many.Select(u => u.Id), Is.EquivalentTo(new[] { id, restricted.Id }));
            Assert.That(searched.Total, Is.EqualTo(2));
            Assert.That(searched.Hits, Has.Count.EqualTo(1));
            Assert.That(scrolled.Hits, Has.Count.EqualTo(1));
            Assert.That(scrolled.Hits[0].Id, Is.Not.EqualTo(searched.Hits[0].Id));
            Assert.That(rights, Is.Not.Empty);
            Assert.That(rights.Any(r => r.Controller is "auth" or "*"), Is.True);
            Assert.That(strategies, Is.EqualTo(new[] { "local" }));
            Assert.That(mayLogin, Is.True);
            Assert.That(revoked.Valid, Is.False);
            Assert.That(deleted, Is.EqualTo(id));
            Assert.That(mDeleted, Is.EqualTo(new[] { restricted.Id }));
            Assert.That(mapping.GetProperty("mapping").ValueKind, Is.EqualTo(JsonValueKind.Object));
            Assert.That(newMapping.ValueKind, Is.EqualTo(JsonValueKind.Object));
            Assert.That(gone.Status, Is.EqualTo(404));
            Assert.That(gone.Id, Is.EqualTo("security.user.not_found"));
        });
    }

    [Test]
    public async Task Security_role_and_profile_actions()
    {
        var role = Unique("role");
        var otherRole = Unique("role");
        var profile = Unique("profile");
        var otherProfile = Unique("profile");
        var loginOnly = new JsonObject { ["controllers"] = new JsonObject { ["auth"] = new JsonObject { ["actions"] = new JsonObject { ["login"] = true } } } };

        var createdRole = await _admin.Security.CreateRoleAsync(role, loginOnly, refresh: "wait_for");
        var replacedRole = await _admin.Security.CreateOrReplaceRoleAsync(otherRole, loginOnly, refresh: "wait_for");
        var updatedRole = await _admin.Security.UpdateRoleAsync(role, new JsonObject { ["controllers"] = new JsonObject { ["server"] = new JsonObject { ["actions"] = new JsonObject { ["now"] = true } } } });
        var fetchedRole = await _admin.Security.GetRoleAsync(role);
        var roles = await _admin.Security.MGetRolesAsync([role, otherRole]);
        var searchedRoles = await _admin.Security.SearchRolesAsync(new JsonObject { ["controllers"] = new JsonArray("server") });
        await _admin.Security.RefreshAsync("roles");

        var policies = new JsonObject { ["policies"] = new JsonArray(new JsonObject { ["roleId"] = role }) };
        var createdProfile = await _admin.Security.CreateProfileAsync(profile, policies, refresh: "wait_for");
        var replacedProfile = await _admin.Security.CreateOrReplaceProfileAsync(otherProfile, new JsonObject { ["policies"] = new JsonArray(new JsonObject { ["roleId"] = otherRole }) }, refresh: "wait_for");
        var updatedProfile = await _admin.Security.UpdateProfileAsync(profile, new JsonObject { ["rateLimit"] = 5, ["policies"] = new JsonArray(new JsonObject { ["roleId"] = role }) });
        var fetchedProfile = await _admin.Security.GetProfileAsync(profile);
        var profiles = await _admin.Security.MGetProfilesAsync([profile, otherProfile]);
        var searchedProfiles = await _admin.Security.SearchProfilesAsync(new JsonObject { ["roles"] = new JsonArray(role) }, size: 10, scroll: "10s");
        var profileRights = await _admin.Security.GetProfileRightsAsync(profile);
        var profileMapping = await _admin.Security.GetProfileMappingAsync();
        var roleMapping = await _admin.Security.GetRoleMappingAsync();
        await _admin.Security.UpdateProfileMappingAsync(new JsonObject { ["properties"] = new JsonObject { ["team"] = new JsonObject { ["type"] = "keyword" } } });
        await _admin.Security.UpdateRoleMappingAsync(new JsonObject { ["properties"] = new JsonObject { ["team"] = new JsonObject { ["type"] = "keyword" } } });
        var inUse = (await Assert.ThrowsAsync<KuzzleException>(() => _admin.Security.DeleteRoleAsync(role)))!;

        var deletedProfile = await _admin.Security.DeleteProfileAsync(profile, refresh: "wait_for");
        var mDeletedProfiles = await _admin.Security.MDeleteProfilesAsync([otherProfile], refresh: "wait_for");
        var deletedRole = await _admin.Security.DeleteRoleAsync(role, refresh: "wait_for");
        var mDeletedRoles = await _admin.Security.MDeleteRolesAsync([otherRole], refresh: "wait_for");

        Assert.Multiple(() =>
        {
            Assert.That(createdRole.Id, Is.EqualTo(role));
            Assert.That(replacedRole.Id, Is.EqualTo(otherRole));
            Assert.That(updatedRole.Content.GetProperty("controllers").TryGetProperty("server", out _), Is.True);
            Assert.That(fetchedRole.Content.GetProperty("controllers").TryGetProperty("server", out _), Is.True);
            Assert.That(roles.Select(r => r.Id), Is.EquivalentTo(new[] { role, otherRole }));
            Assert.That(searchedRoles.Hits.Select(r => r.Id), Does.Contain(role));
            Assert.That(createdProfile.Id, Is.EqualTo(profile));
            Assert.That(replacedProfile.Id, Is.EqualTo(otherProfile));
            Assert.That(updatedProfile.Content.GetProperty("rateLimit").GetInt32(), Is.EqualTo(5));
            Assert.That(fetchedProfile.Content.GetProperty("policies")[0].GetProperty("roleId").GetString(), Is.EqualTo(role));
            Assert.That(profiles.Select(p => p.Id), Is.EquivalentTo(new[] { profile, otherProfile }));
            Assert.That(searchedProfiles.Hits.Select(p => p.Id), Is.EqualTo(new[] { profile }));
            Assert.That(profileRights.Select(r => (r.Controller, r.Action)), Does.Contain(("server", "now")));
            Assert.That(profileMapping.GetProperty("mapping").ValueKind, Is.EqualTo(JsonValueKind.Object));
            Assert.That(roleMapping.GetProperty("mapping").ValueKind, Is.EqualTo(JsonValueKind.Object));
            Assert.That(inUse.Id, Is.EqualTo("security.role.in_use"));
            Assert.That(deletedProfile, Is.EqualTo(profile));
            Assert.That(mDeletedProfiles, Is.EqualTo(new[] { otherProfile }));
            Assert.That(deletedRole, Is.EqualTo(role));
            Assert.That(mDeletedRoles, Is.EqualTo(new[] { otherRole }));
        });
    }

    [Test]
    public async Task Security_credential_actions()
    {
        var id = Unique("cred");
        var username = Unique("name");
        await _admin.Security.CreateUserAsync(id, new JsonObject { ["content"] = new JsonObject { ["profileIds"] = new JsonArray("default") } }, refresh: "wait_for");
        var credentials = Users.Local(username, "cred-password-1");

        var valid = await _admin.Security.ValidateCredentialsAsync("local", id, credentials);
        var created = await _admin.Security.CreateCredentialsAsync("local", id, credentials);
        var has = await _admin.Security.HasCredentialsAsync("local", id);
        var fetched = await _admin.Security.GetCredentialsAsync("local", id);
        var byId = await _admin.Security.GetCredentialsByIdAsync("local", username);
        var updated = await _admin.Security.UpdateCredentialsAsync("local", id, Users.Local(username, "cred-password-2"));
        var allFields = await _admin.Security.GetAllCredentialFieldsAsync();
        var fields = await _admin.Security.GetCredentialFieldsAsync("local");
        await using var user = await _server.ConnectAsync(protocol);
        var jwt = await user.Auth.LoginAsync("local", Users.Local(username, "cred-password-2"));
        await _admin.Security.DeleteCredentialsAsync("local", id);
        var hasAfter = await _admin.Security.HasCredentialsAsync("local", id);

        Assert.Multiple(() =>
        {
            Assert.That(valid, Is.True);
            Assert.That(created.GetProperty("username").GetString(), Is.EqualTo(username));
            Assert.That(created.GetRawText(), Does.Not.Contain("cred-password"));
            Assert.That(has, Is.True);
            Assert.That(fetched.GetProperty("username").GetString(), Is.EqualTo(username));
            Assert.That(byId.ValueKind == JsonValueKind.String ? byId.GetString() : byId.GetRawText(), Does.Contain(id));
            Assert.That(updated.GetProperty("username").GetString(), Is.EqualTo(username));
            Assert.That(allFields.GetProperty("local").EnumerateArray().Select(e => e.GetString()), Does.Contain("password"));
            Assert.That(fields, Does.Contain("username"));
            Assert.That(jwt, Does.StartWith("kauth-"));
            Assert.That(hasAfter, Is.False);
        });
    }

    [Test]
    public async Task Security_api_key_actions_and_an_api_key_as_the_client_token()
    {
        var id = Unique("keyed");
        var username = Unique("name");
        await _admin.Security.CreateUserAsync(id, UserBody(username, "keyed-password-1", "default"), refresh: "wait_for");

        var key = await _admin.Security.CreateApiKeyAsync(id, "for the tests", id: Unique("key"), refresh: "wait_for");
        var searched = await _admin.Security.SearchApiKeysAsync(id);
        await using var keyed = await _server.ConnectAsync(protocol, o => o with { Jwt = key.Content.Token });
        var me = await keyed.Auth.GetCurrentUserAsync();
        await _admin.Security.DeleteApiKeyAsync(id, key.Id, refresh: "wait_for");
        var searchedAfter = await _admin.Security.SearchApiKeysAsync(id);

        Assert.Multiple(() =>
        {
            Assert.That(key.Content.Token, Does.StartWith("kapikey-"));
            Assert.That(key.Content.UserId, Is.EqualTo(id));
            Assert.That(key.Content.Description, Is.EqualTo("for the tests"));
            Assert.That(searched.Hits.Select(k => k.Id), Is.EqualTo(new[] { key.Id }));
            Assert.That(searched.Hits[0].Content.Token, Is.Null);
            Assert.That(me.Id, Is.EqualTo(id));
            Assert.That(searchedAfter.Total, Is.Zero);
        });
    }

    [Test]
    public async Task Auth_actions_of_the_current_user()
    {
        var id = Unique("self");
        var username = Unique("name");
        await _admin.Security.CreateUserAsync(id, UserBody(username, "self-password-1", "default"), refresh: "wait_for");
        await using var user = await _server.ConnectAsync(protocol);
        var token = await user.Auth.LoginForTokenAsync("local", Users.Local(username, "self-password-1"), "1h");

        var check = await user.Auth.CheckTokenAsync();
        var strategies = await user.Auth.GetStrategiesAsync();
        var rights = await user.Auth.GetMyRightsAsync();
        var mayNow = await user.Auth.CheckRightsAsync(new JsonObject { ["controller"] = "server", ["action"] = "now" });
        var self = await user.Auth.UpdateSelfAsync(new JsonObject { ["nickname"] = "me" });
        var exists = await user.Auth.CredentialsExistAsync("local");
        var mine = await user.Auth.GetMyCredentialsAsync("local");
        var validNew = await user.Auth.ValidateMyCredentialsAsync("local", Users.Local(username, "self-password-2"));
        var updated = await user.Auth.UpdateMyCredentialsAsync("local", Users.Local(username, "self-password-2"));
        var refreshed = await user.Auth.RefreshTokenAsync("2h");
        var key = await user.Auth.CreateApiKeyAsync("my key", refresh: "wait_for");
        var keys = await user.Auth.SearchApiKeysAsync();
        await user.Auth.DeleteApiKeyAsync(key.Id, refresh: "wait_for");
        var keysAfter = await user.Auth.SearchApiKeysAsync();
        var deleted = await user.Auth.DeleteMyCredentialsAsync("local");
        var recreated = await user.Auth.CreateMyCredentialsAsync("local", Users.Local(username, "self-password-3"));
        await using var again = await _server.ConnectAsync(protocol);
        var relogged = await again.Auth.LoginAsync("local", Users.Local(username, "self-password-3"));

        Assert.Multiple(() =>
        {
            Assert.That(token.Id, Is.EqualTo(id));
            Assert.That(token.Ttl, Is.EqualTo(3_600_000));
            Assert.That(check.Valid, Is.True);
            Assert.That(check.Kuid, Is.EqualTo(id));
            Assert.That(strategies, Does.Contain("local"));
            Assert.That(rights, Is.Not.Empty);
            Assert.That(mayNow, Is.True);
            Assert.That(self.Content.GetProperty("nickname").GetString(), Is.EqualTo("me"));
            Assert.That(exists, Is.True);
            Assert.That(mine.GetProperty("username").GetString(), Is.EqualTo(username));
            Assert.That(validNew, Is.True);
            Assert.That(updated.GetProperty("username").GetString(), Is.EqualTo(username));
            Assert.That(refreshed.Jwt, Is.EqualTo(user.Jwt));
            Assert.That(refreshed.Ttl, Is.EqualTo(7_200_000));
            Assert.That(key.Content.Token, Does.StartWith("kapikey-"));
            Assert.That(keys.Hits.Select(k => k.Id), Is.EqualTo(new[] { key.Id }));
            Assert.That(keysAfter.Total, Is.Zero);
            Assert.That(deleted, Is.True);
            Assert.That(recreated.GetProperty("username").GetString(), Is.EqualTo(username));
            Assert.That(relogged, Does.StartWith("kauth-"));
        });
    }
}

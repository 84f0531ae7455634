using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Tests.Support;
using static Kuzzle.Realtime.Tests.Security.SecurityApi;

namespace Kuzzle.Realtime.Tests.Security;

/// <summary>The security controller over real WebSocket and HTTP, with the bootstrap rights (everything allowed).</summary>
[TestFixture]
public sealed class SecurityControllerTests : ServerFixture
{
    private WsClient _ws = null!;
    private SecurityApi _api = null!;

    [SetUp]
    public async Task Connect()
    {
        _ws = await Server.ConnectAsync();
        _api = new SecurityApi(_ws);
    }

    [TearDown]
    public async Task Disconnect() => await _ws.DisposeAsync();

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private static JsonObject IdArg(string id) => new() { ["_id"] = id };

    [Test]
    public async Task Roles_lifecycle_and_protections()
    {
        var id = Unique("role");
        var created = await _api.SecurityAsync("createRole", IdArg(id), Json("""{"controllers":{"document":{"actions":{"get":true}}},"tags":["x"]}"""));
        Assert.That(Status(created), Is.EqualTo(200), created.ToString());
        Assert.That(Result(created).GetProperty("_source").GetProperty("controllers").GetProperty("document").GetProperty("actions").GetProperty("get").GetBoolean(), Is.True);

        Assert.That(ErrorId(await _api.SecurityAsync("createRole", IdArg(id), Json("""{"controllers":{"*":{"actions":{"*":true}}}}"""))),
            Is.EqualTo("services.storage.document_already_exists"));
        var replaced = await _api.SecurityAsync("updateRole", IdArg(id), Json("""{"controllers":{"realtime":{"actions":{"*":true}}}}"""));
        Assert.That(Result(replaced).GetProperty("_source").TryGetProperty("tags", out _), Is.False, "updateRole replaces");
        Assert.That(Result(await _api.SecurityAsync("getRole", IdArg(id))).GetProperty("_id").GetString(), Is.EqualTo(id));
        Assert.That(Result(await _api.SecurityAsync("mGetRoles", null, Json($$"""{"ids":["admin","{{id}}"]}"""))).GetProperty("hits").GetArrayLength(), Is.EqualTo(2));
        Assert.That(ErrorId(await _api.SecurityAsync("mGetRoles", null, Json("""{"ids":["admin","nope-nope"]}"""))), Is.EqualTo("security.role.not_found"));

        var search = Result(await _api.SecurityAsync("searchRoles", null, Json("""{"controllers":["realtime"]}""")));
        Assert.That(search.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("_id").GetString()), Does.Contain(id).And.Contain("admin"));

        var profile = Unique("prof");
        Assert.That(Status(await _api.SecurityAsync("createProfile", IdArg(profile), Json($$"""{"policies":[{"roleId":"{{id}}"}]}"""))), Is.EqualTo(200));
        Assert.That(ErrorId(await _api.SecurityAsync("deleteRole", IdArg(id))), Is.EqualTo("security.role.in_use"));
        Assert.That(ErrorId(await _api.SecurityAsync("deleteRole", IdArg("admin"))), Is.EqualTo("security.role.cannot_delete"));
        Assert.That(Status(await _api.SecurityAsync("deleteProfile", IdArg(profile))), Is.EqualTo(200));
        Assert.That(Result(await _api.SecurityAsync("deleteRole", IdArg(id))).GetProperty("_id").GetString(), Is.EqualTo(id));
        Assert.That(ErrorId(await _api.SecurityAsync("getRole", IdArg(id))), Is.EqualTo("security.role.not_found"));
    }

    [Test]
    public async Task Profiles_lifecycle_rights_and_assigned_users()
    {
        var id = Unique("prof");
        var created = Result(await _api.SecurityAsync("createProfile", IdArg(id), Json("""{"policies":[{"roleId":"default","restrictedTo":[{"index":"i1","collections":["c1"]}]}],"rateLimit":5,"tags":["t1"]}""")));
        Assert.That(created.GetProperty("_source").GetProperty("rateLimit").GetInt32(), Is.EqualTo(5));

        var rights = Result(await _api.SecurityAsync("getProfileRights", IdArg(id)));
        Assert.That(rights.GetProperty("hits")[0].GetProperty("index").GetString(), Is.EqualTo("i1"));

        var updated = Result(await _api.SecurityAsync("updateProfile", IdArg(id), Json("""{"rateLimit":9}""")));
        Assert.That(updated.GetProperty("_source").GetProperty("rateLimit").GetInt32(), Is.EqualTo(9));
        Assert.That(updated.GetProperty("_source").GetProperty("tags")[0].GetString(), Is.EqualTo("t1"));

        var byRole = Result(await _api.SecurityAsync("searchProfiles", null, Json("""{"roles":["default"]}""")));
        Assert.That(byRole.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("_id").GetString()), Does.Contain(id).And.Contain("default"));
        Assert.That(Status(await _api.SecurityAsync("searchProfiles", null, Json("""{"roles":["default"],"query":{}}"""))), Is.EqualTo(400));
        var byTag = Result(await _api.SecurityAsync("searchProfiles", null, Json("""{"query":{"term":{"tags":"t1"}}}""")));
        Assert.That(byTag.GetProperty("total").GetInt32(), Is.EqualTo(1));

        var kuid = Unique("kuid");
        await _api.SecurityAsync("createUser", IdArg(kuid), Json($$$"""{"content":{"profileIds":["{{{id}}}"]}}"""));
        Assert.That(ErrorId(await _api.SecurityAsync("deleteProfile", IdArg(id))), Is.EqualTo("security.profile.in_use"));
        Assert.That(Status(await _api.SecurityAsync("deleteProfile", new JsonObject { ["_id"] = id, ["onAssignedUsers"] = "remove" })), Is.EqualTo(200));
        var user = Result(await _api.SecurityAsync("getUser", IdArg(kuid)));
        Assert.That(user.GetProperty("_source").GetProperty("profileIds")[0].GetString(), Is.EqualTo("anonymous"));
        Assert.That(ErrorId(await _api.SecurityAsync("mGetProfiles", null, Json($$"""{"ids":["{{id}}"]}"""))), Is.EqualTo("security.profile.not_found"));
    }

    [Test]
    public async Task Users_lifecycle()
    {
        var kuid = Unique("kuid");
        var created = await _api.SecurityAsync("createUser", IdArg(kuid), Json("""{"content":{"profileIds":["default"],"fullname":"Ada"}}"""));
        Assert.That(Status(created), Is.EqualTo(200), created.ToString());
        Assert.That(Result(created).GetProperty("_source").GetProperty("fullname").GetString(), Is.EqualTo("Ada"));
        Assert.That(ErrorId(await _api.SecurityAsync("createUser", IdArg(kuid), Json("""{"content":{"profileIds":["default"]}}"""))), Is.EqualTo("security.user.already_exists"));

        var generated = Result(await _api.SecurityAsync("createUser", null, Json("""{"content":{"profileIds":["default"]}}"""))).GetProperty("_id").GetString();
        Assert.That(generated, Does.StartWith("kuid-"));

        Assert.That(Result(await _api.SecurityAsync("getUser", IdArg("-1"))).GetProperty("_source").GetProperty("name").GetString(), Is.EqualTo("Anonymous"));
        var many = Result(await _api.SecurityAsync("mGetUsers", null, Json($$"""{"ids":["{{kuid}}","ghost-user"]}""")));
        Assert.That(many.GetProperty("hits").GetArrayLength(), Is.EqualTo(1));

        var updated = Result(await _api.SecurityAsync("updateUser", IdArg(kuid), Json("""{"age":3}""")));
        Assert.That(updated.GetProperty("_source").GetProperty("fullname").GetString(), Is.EqualTo("Ada"));
        Assert.That(updated.GetProperty("_source").GetProperty("age").GetInt32(), Is.EqualTo(3));
        var replaced = Result(await _api.SecurityAsync("replaceUser", IdArg(kuid), Json("""{"profileIds":["admin"],"x":1}""")));
        Assert.That(replaced.GetProperty("_source").TryGetProperty("fullname", out _), Is.False);
        Assert.That(ErrorId(await _api.SecurityAsync("replaceUser", IdArg("ghost-user"), Json("""{"profileIds":["admin"]}"""))), Is.EqualTo("security.user.not_found"));

        var upserted = Result(await _api.SecurityAsync("upsertUser", IdArg(kuid + "u"), Json("""{"content":{"profileIds":["default"]},"default":{"a":1}}""")));
        Assert.That(upserted.GetProperty("_source").GetProperty("a").GetInt32(), Is.EqualTo(1));

        var rights = Result(await _api.SecurityAsync("getUserRights", IdArg(kuid)));
        Assert.That(rights.GetProperty("hits")[0].GetProperty("value").GetString(), Is.EqualTo("allowed"));
        var check = await _api.SecurityAsync("checkRights", new JsonObject { ["userId"] = kuid }, Json("""{"controller":"document","action":"create","index":"i"}"""));
        Assert.That(Result(check).GetProperty("allowed").GetBoolean(), Is.True);
        Assert.That(ErrorId(await _api.SecurityAsync("checkRights", new JsonObject { ["userId"] = kuid }, Json("""{"action":"create"}"""))), Is.EqualTo("api.assert.missing_argument"));

        var search = Result(await _api.SecurityAsync("searchUsers", new JsonObject { ["size"] = 1, ["scroll"] = "10s" }, Json($$$$"""{"query":{"ids":{"values":["{{{{kuid}}}}","{{{{generated}}}}"]}}}""")));
        Assert.That(search.GetProperty("total").GetInt32(), Is.EqualTo(2));
        var next = Result(await _api.SecurityAsync("scrollUsers", new JsonObject { ["scrollId"] = search.GetProperty("scrollId").GetString() }));
        Assert.That(next.GetProperty("hits").GetArrayLength(), Is.EqualTo(1));
        Assert.That(next.GetProperty("hits")[0].GetProperty("_id").GetString(), Is.Not.EqualTo(search.GetProperty("hits")[0].GetProperty("_id").GetString()));

        var partial = await _api.SecurityAsync("mDeleteUsers", null, Json($$"""{"ids":["{{generated}}","ghost-user"]}"""));
        Assert.That(Status(partial), Is.EqualTo(206));
        Assert.That(ErrorId(partial), Is.EqualTo("services.storage.incomplete_delete"));
        Assert.That(Result(partial)[0].GetString(), Is.EqualTo(generated));
        Assert.That(Result(await _api.SecurityAsync("deleteUser", IdArg(kuid))).GetProperty("_id").GetString(), Is.EqualTo(kuid));
        Assert.That(ErrorId(await _api.SecurityAsync("getUser", IdArg(kuid))), Is.EqualTo("security.user.not_found"));
    }

    [Test]
    public async Task Credentials_are_created_with_the_user_and_deleted_with_it()
    {
        var kuid = Unique("cred");
        var username = Unique("name");
        var created = await _api.SecurityAsync("createUser", IdArg(kuid), Json($$$$"""{"content":{"profileIds":["default"]},"credentials":{"local":{"username":"{{{{username}}}}","password":"Secret-pass-123"}}}"""));
        Assert.That(Status(created), Is.EqualTo(200), created.ToString());

        // Kuzzle calls this a database inconsistency (500); the user simply exists: 412, and nothing changes.
        var again = await _api.SecurityAsync("createUser", IdArg(kuid), Json("""{"content":{"profileIds":["default"]},"credentials":{"local":{"username":"other-name","password":"Secret-pass-123"}}}"""));
        Assert.That(ErrorId(again), Is.EqualTo("security.user.already_exists"), again.ToString());

        var local = new JsonObject { ["_id"] = kuid, ["strategy"] = "local" };
        Assert.That(Result(await _api.SecurityAsync("hasCredentials", local)).GetBoolean(), Is.True);
        Assert.That(Result(await _api.SecurityAsync("getCredentials", local)).GetProperty("username").GetString(), Is.EqualTo(username));
        Assert.That(Result(await _api.SecurityAsync("getCredentialsById", new JsonObject { ["_id"] = username, ["strategy"] = "local" })).GetProperty("kuid").GetString(), Is.EqualTo(kuid));
        Assert.That(Result(await _api.SecurityAsync("getUserStrategies", IdArg(kuid))).GetProperty("strategies")[0].GetString(), Is.EqualTo("local"));
        Assert.That(Result(await _api.SecurityAsync("getCredentialFields", new JsonObject { ["strategy"] = "local" })).GetArrayLength(), Is.EqualTo(2));
        Assert.That(Result(await _api.SecurityAsync("getAllCredentialFields")).GetProperty("local").GetArrayLength(), Is.EqualTo(2));
        Assert.That(ErrorId(await _api.SecurityAsync("getCredentialFields", new JsonObject { ["strategy"] = "nope" })), Is.EqualTo("security.credentials.unknown_strategy"));

        var deleted = new List<string>();
        var lifecycle = Server.Services.GetRequiredService<Kuzzle.Realtime.Server.Security.UserLifecycle>();
        Func<string, CancellationToken, ValueTask> handler = (id, _) =>
        {
            lock (deleted)
            {
                deleted.Add(id);
            }

            return ValueTask.CompletedTask;
        };
        lifecycle.UserDeleted += handler;
        try
        {
            Assert.That(Status(await _api.SecurityAsync("deleteUser", IdArg(kuid))), Is.EqualTo(200));
        }
        finally
        {
            lifecycle.UserDeleted -= handler;
        }

        Assert.That(deleted, Does.Contain(kuid));
        Assert.That(Result(await _api.SecurityAsync("hasCredentials", local)).GetBoolean(), Is.False);
    }

    [Test]
    public async Task User_creation_with_rejected_credentials_leaves_nothing()
    {
        var kuid = Unique("atom");
        var missingPassword = await _api.SecurityAsync("createUser", IdArg(kuid), Json($$$$"""{"content":{"profileIds":["default"]},"credentials":{"local":{"username":"{{{{kuid}}}}"}}}"""));
        Assert.That(Status(missingPassword), Is.EqualTo(400), missingPassword.ToString());
        var unknownStrategy = await _api.SecurityAsync("createUser", IdArg(kuid), Json("""{"content":{"profileIds":["default"]},"credentials":{"ghost":{}}}"""));
        Assert.That(ErrorId(unknownStrategy), Is.EqualTo("security.credentials.unknown_strategy"));

        Assert.That(ErrorId(await _api.SecurityAsync("getUser", IdArg(kuid))), Is.EqualTo("security.user.not_found"));
        Assert.That(Result(await _api.SecurityAsync("hasCredentials", new JsonObject { ["_id"] = kuid, ["strategy"] = "local" })).GetBoolean(), Is.False);
    }

    [Test]
    public async Task Bad_input_gives_the_spec_error_and_changes_nothing()
    {
        var roleCount = Result(await _api.SecurityAsync("searchRoles", null, Json("{}"))).GetProperty("total").GetInt32();
        (string Action, JsonObject? Args, string Body, string Error)[] cases =
        [
            ("createRole", IdArg("_bad"), """{"controllers":{"*":{"actions":{"*":true}}}}""", "api.assert.invalid_id"),
            ("createRole", IdArg("r-bad"), """{"controllers":{"ghost":{"actions":{"x":true}}}}""", "security.role.unknown_controller"),
            ("createRole", IdArg("r-bad"), """{"controllers":{"document":{"actions":{"x":true}}}}""", "security.role.unknown_action"),
            ("createRole", IdArg("r-bad"), """{"controllers":{}}""", "api.assert.empty_argument"),
            ("createRole", IdArg("r-bad"), """{"tags":[]}""", "api.assert.missing_argument"),
            ("createProfile", IdArg("p-bad"), """{"policies":"admin"}""", "api.assert.invalid_type"),
            ("createProfile", IdArg("p-bad"), """{"policies":[{"roleId":"ghost"}]}""", "security.role.not_found"),
            ("createProfile", IdArg("p-bad"), """{"policies":[{"roleId":"default","oops":1}]}""", "api.assert.unexpected_argument"),
            ("createProfile", IdArg("p-bad"), """{"policies":[{"roleId":"default"}],"rateLimit":-1}""", "api.assert.invalid_argument"),
            ("createProfile", IdArg("p-bad"), """{"policies":[{"roleId":"default","restrictedTo":[{"collections":["c"]}]}]}""", "api.assert.missing_argument"),
            ("getProfile", IdArg(""), "{}", "api.assert.missing_argument"),
            ("mGetProfiles", null, """{"ids":[""]}""", "security.profile.not_found"),
            ("createUser", IdArg("u-bad"), """{"content":{"profileIds":[""]}}""", "security.profile.not_found"),
            ("deleteApiKey", new JsonObject { ["userId"] = "", ["_id"] = "k" }, "{}", "services.storage.not_found"),
            ("createApiKey", new JsonObject { ["userId"] = "" }, """{"description":"d"}""", "security.user.not_found"),
            ("createProfile", new JsonObject { ["_id"] = "p-bad", ["strict"] = true }, """{"policies":[{"roleId":"default","restrictedTo":[{"index":"i"}]}]}""", "services.storage.unknown_index"),
            ("createUser", IdArg("u-bad"), """{"content":{"profileIds":["ghost"]}}""", "security.profile.not_found"),
            ("createUser", IdArg("u-bad"), """{"content":{"profileIds":"default"}}""", "api.assert.invalid_type"),
            ("createUser", IdArg("u-bad"), """{"content":{}}""", "api.assert.missing_argument"),
            ("createUser", IdArg("u-bad"), """{}""", "api.assert.missing_argument"),
            ("createRestrictedUser", IdArg("u-bad"), """{"content":{"profileIds":["admin"]}}""", "api.assert.forbidden_argument"),
            ("searchUsers", new JsonObject { ["size"] = 10_001 }, "{}", "services.storage.get_limit_exceeded"),
            ("searchUsers", new JsonObject { ["lang"] = "sql" }, "{}", "api.assert.invalid_argument"),
            ("searchUsers", new JsonObject { ["scroll"] = "5m" }, "{}", "services.storage.scroll_duration_too_great"),
            ("searchProfiles", null, """{"query":{"nope":{}}}""", "services.storage.unknown_query_keyword"),
            ("searchProfiles", null, """{"roles":"default"}""", "api.assert.invalid_type"),
            ("searchRoles", null, """{"controllers":"auth"}""", "api.assert.invalid_type"),
            ("mDeleteRoles", null, $$"""{"ids":[{{string.Join(",", Enumerable.Range(0, 201).Select(i => $"\"r{i}\""))}}]}""", "services.storage.write_limit_exceeded"),
            ("refresh", new JsonObject { ["collection"] = "documents" }, "{}", "api.assert.unexpected_argument"),
            ("scrollUsers", new JsonObject { ["scrollId"] = "forged" }, "{}", "services.storage.unknown_scroll_id"),
        ];

        foreach (var (action, args, body, error) in cases)
        {
            var response = await _api.SecurityAsync(action, args, Json(body));
            Assert.That(ErrorId(response), Is.EqualTo(error), $"{action} {body}: {response}");
        }

        Assert.That(Result(await _api.SecurityAsync("searchRoles", null, Json("{}"))).GetProperty("total").GetInt32(), Is.EqualTo(roleCount));
        Assert.That(ErrorId(await _api.SecurityAsync("getProfile", IdArg("p-bad"))), Is.EqualTo("security.profile.not_found"));
        Assert.That(ErrorId(await _api.SecurityAsync("getUser", IdArg("u-bad"))), Is.EqualTo("security.user.not_found"));
    }

    [Test]
    public async Task Mappings_are_kept_and_merged()
    {
        var before = Result(await _api.SecurityAsync("getRoleMapping"));
        Assert.That(before.GetProperty("mapping").TryGetProperty("tags", out _), Is.True);
        var updated = Result(await _api.SecurityAsync("updateRoleMapping", null, Json("""{"properties":{"note":{"type":"text"}}}""")));
        Assert.That(updated.GetProperty("properties").TryGetProperty("note", out _), Is.True);
        var after = Result(await _api.SecurityAsync("getRoleMapping"));
        Assert.That(after.GetProperty("mapping").TryGetProperty("note", out _), Is.True);
        Assert.That(after.GetProperty("mapping").TryGetProperty("_kuzzle_info", out _), Is.False);
        Assert.That(Result(await _api.SecurityAsync("getUserMapping")).GetProperty("mapping").GetProperty("profileIds").GetProperty("type").GetString(), Is.EqualTo("keyword"));
        Assert.That(Status(await _api.SecurityAsync("refresh", new JsonObject { ["collection"] = "users" })), Is.EqualTo(200));
    }

    [Test]
    public async Task Http_routes_reach_the_same_actions()
    {
        var id = Unique("hrole");
        using var create = await Http.PostAsync($"/roles/{id}/_create", JsonContent.Create(Json("""{"controllers":{"realtime":{"actions":{"*":true}}}}""")));
        Assert.That((int)create.StatusCode, Is.EqualTo(200), await create.Content.ReadAsStringAsync());
        using var get = await Http.GetAsync($"/roles/{id}");
        var body = TestServer.Json(await get.Content.ReadAsStringAsync());
        Assert.That(body.GetProperty("result").GetProperty("_id").GetString(), Is.EqualTo(id));
        using var anonymous = await Http.GetAsync("/users/-1");
        Assert.That(TestServer.Json(await anonymous.Content.ReadAsStringAsync()).GetProperty("result").GetProperty("_id").GetString(), Is.EqualTo("-1"));
        using var missing = await Http.GetAsync("/profiles/ghost-profile");
        Assert.That((int)missing.StatusCode, Is.EqualTo(404));
    }
}

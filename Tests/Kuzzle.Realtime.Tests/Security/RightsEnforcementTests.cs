using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Security;
using Kuzzle.Realtime.Security.Store;
using Kuzzle.Realtime.Tests.Support;
using static Kuzzle.Realtime.Tests.Security.SecurityApi;

namespace Kuzzle.Realtime.Tests.Security;

/// <summary>Rights checked by the funnel before every action, from the stored roles and profiles (one fresh server per test).</summary>
[TestFixture]
public sealed class RightsEnforcementTests
{
    private TestServer _server = null!;

    private SecurityStore Store => _server.Services.GetRequiredService<SecurityStore>();

    [SetUp]
    public async Task StartServer() => _server = await TestServer.StartAsync();

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    private static JsonElement Element(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    [Test]
    public async Task After_restrictDefaultRights_anonymous_gets_401_except_for_its_allowed_actions()
    {
        await using var ws = await _server.ConnectAsync();
        var api = new SecurityApi(ws);
        Assert.That(Status(await api.SecurityAsync("getRole", new JsonObject { ["_id"] = "admin" })), Is.EqualTo(200), "bootstrap roles allow everything");

        var restricted = await api.SecurityAsync("restrictDefaultRights");
        Assert.That(Status(restricted), Is.EqualTo(200), restricted.ToString());

        var denied = await api.SecurityAsync("getRole", new JsonObject { ["_id"] = "admin" });
        Assert.That(Status(denied), Is.EqualTo(401));
        Assert.That(ErrorId(denied), Is.EqualTo("security.rights.unauthorized"));
        Assert.That(ErrorId(await api.CallAsync("server", "now")), Is.EqualTo("security.rights.unauthorized"));
        Assert.That(Status(await api.CallAsync("server", "publicApi")), Is.EqualTo(200));
        Assert.That(ErrorId(await api.SecurityAsync("createFirstAdmin")), Is.EqualTo("security.rights.unauthorized"));

        using var http = _server.CreateHttpClient();
        using var overHttp = await http.GetAsync("/_now");
        Assert.That((int)overHttp.StatusCode, Is.EqualTo(401));
        Assert.That(await Store.Users.AdminExistsAsync(), Is.False, "a denied action did not run");
    }

    [Test]
    public async Task CreateFirstAdmin_with_reset_restricts_and_then_refuses_a_second_admin()
    {
        await using var ws = await _server.ConnectAsync();
        var api = new SecurityApi(ws);
        var admin = await api.SecurityAsync("createFirstAdmin", new JsonObject { ["_id"] = "root", ["reset"] = true }, Json("""{"content":{"name":"Root"}}"""));
        Assert.That(Status(admin), Is.EqualTo(200), admin.ToString());
        Assert.That(Result(admin).GetProperty("_source").GetProperty("profileIds")[0].GetString(), Is.EqualTo("admin"));
        Assert.That(ErrorId(await api.CallAsync("server", "now")), Is.EqualTo("security.rights.unauthorized"));

        var rootRights = await Store.Rights.GetUserRightsAsync("root");
        Assert.That(rootRights.IsAllowed(new RightsRequest("security", "createFirstAdmin")), Is.True);
        Assert.That(await Store.Users.AdminExistsAsync(), Is.True);
    }

    [Test]
    public async Task A_role_change_takes_effect_on_the_next_request_of_every_connection()
    {
        await Store.Bootstrap.RestrictDefaultRightsAsync();
        await using var first = await _server.ConnectAsync();
        await using var second = await _server.ConnectAsync();
        var a = new SecurityApi(first);
        var b = new SecurityApi(second);
        Assert.That(ErrorId(await a.CallAsync("server", "now")), Is.EqualTo("security.rights.unauthorized"));
        Assert.That(ErrorId(await b.CallAsync("server", "now")), Is.EqualTo("security.rights.unauthorized"));

        await Store.Roles.UpdateAsync("anonymous", Element("""{"controllers":{"auth":{"actions":{"login":true}},"server":{"actions":{"now":true}}}}"""), null, false, 10);

        Assert.That(Status(await a.CallAsync("server", "now")), Is.EqualTo(200));
        Assert.That(Status(await b.CallAsync("server", "now")), Is.EqualTo(200));

        await Store.Roles.UpdateAsync("anonymous", Element("""{"controllers":{"auth":{"actions":{"login":true}}}}"""), null, false, 10);
        Assert.That(ErrorId(await a.CallAsync("server", "now")), Is.EqualTo("security.rights.unauthorized"));
    }

    [Test]
    public async Task The_profile_rate_limit_applies_per_user()
    {
        await Store.Profiles.UpdateAsync("anonymous", Element("""{"rateLimit":3}"""), null, 10);
        await using var ws = await _server.ConnectAsync();
        var api = new SecurityApi(ws);
        var statuses = new List<int>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add(Status(await api.CallAsync("server", "now")));
        }

        // Requests straddle at most two 1-second windows: at most 6 succeed, the others are 429.
        Assert.That(statuses.Count(s => s == 200), Is.InRange(3, 6));
        Assert.That(statuses.Where(s => s != 200), Is.All.EqualTo(429));
    }

    [Test]
    public async Task Named_users_are_judged_by_their_profiles_and_denied_with_403()
    {
        await Store.Roles.CreateAsync("subscriber", Element("""{"controllers":{"realtime":{"actions":{"subscribe":true}}}}"""), null, false, false);
        await Store.Profiles.CreateAsync("nyc", Element("""{"policies":[{"roleId":"subscriber","restrictedTo":[{"index":"nyc","collections":["taxi"]}]}]}"""), null, false);
        await Store.Users.CreateAsync("alice", Element("""{"profileIds":["nyc"]}"""), null);

        var rights = await Store.Rights.GetUserRightsAsync("alice");
        Assert.That(rights.IsAllowed(new RightsRequest("realtime", "subscribe", "nyc", "taxi")), Is.True);
        Assert.That(rights.IsAllowed(new RightsRequest("realtime", "subscribe", "nyc", "bus")), Is.False);
        Assert.That(rights.IsAllowed(new RightsRequest("realtime", "publish", "nyc", "taxi")), Is.False);
        Assert.That(rights.DeniedErrorId, Is.EqualTo("security.rights.forbidden"));

        // checkRights runs the same evaluation for another user.
        await using var ws = await _server.ConnectAsync();
        var api = new SecurityApi(ws);
        var check = await api.SecurityAsync("checkRights", new JsonObject { ["userId"] = "alice" }, Json("""{"controller":"realtime","action":"subscribe","index":"nyc","collection":"bus"}"""));
        Assert.That(Result(check).GetProperty("allowed").GetBoolean(), Is.False);
        var listing = Result(await api.SecurityAsync("getUserRights", new JsonObject { ["_id"] = "alice" }));
        Assert.That(listing.GetProperty("hits")[0].GetProperty("collection").GetString(), Is.EqualTo("taxi"));
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Security.Store;
using Kuzzle.Realtime.Tests.Support;
using static Kuzzle.Realtime.Tests.Security.SecurityApi;

namespace Kuzzle.Realtime.Tests.Security;

/// <summary>
/// <c>join</c>, <c>count</c> and <c>list</c> carry no index: they are judged against the room's own index and collection
/// (realtime.md §2 "Our choice"), since a room id can be computed offline from the public seed.
/// </summary>
[TestFixture]
public sealed class RoomRightsTests
{
    private TestServer _server = null!;

    private SecurityStore Store => _server.Services.GetRequiredService<SecurityStore>();

    [SetUp]
    public async Task StartServer()
    {
        _server = await TestServer.StartAsync();
        await Store.Roles.CreateAsync("realtime-user", Element("""{"controllers":{"auth":{"actions":{"*":true}},"realtime":{"actions":{"*":true}}}}"""), null, false, false);
        await Store.Profiles.CreateAsync("pub-only", Element("""{"policies":[{"roleId":"realtime-user","restrictedTo":[{"index":"pub"}]}]}"""), null, false);
        await TestUsers.CreateAsync(_server, "mallory", "mallory", "mallory-password", "pub-only");
    }

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    private static JsonElement Element(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static async Task<string> SubscribeAsync(SecurityApi api, string index, string collection)
    {
        var subscribed = await api.CallAsync("realtime", "subscribe", new JsonObject { ["index"] = index, ["collection"] = collection }, Json("""{"equals":{"kind":"secret"}}"""));
        Assert.That(Status(subscribed), Is.EqualTo(200), subscribed.ToString());
        return Result(subscribed).GetProperty("roomId").GetString()!;
    }

    [Test]
    public async Task Join_and_count_of_a_room_on_a_forbidden_index_answer_403_like_subscribe()
    {
        // Anonymous on a fresh server holds every right: it owns one room on each index.
        await using var owner = await _server.ConnectAsync();
        var ownerApi = new SecurityApi(owner);
        var secretRoom = await SubscribeAsync(ownerApi, "priv", "secret");
        var publicRoom = await SubscribeAsync(ownerApi, "pub", "news");

        await using var mallory = await _server.ConnectAsync();
        var jwt = await TestUsers.LoginAsync(mallory, "mallory", "mallory-password");
        var api = new SecurityApi(mallory);
        var withToken = new JsonObject { ["jwt"] = jwt };

        var subscribe = await api.CallAsync("realtime", "subscribe", new JsonObject { ["jwt"] = jwt, ["index"] = "priv", ["collection"] = "secret" }, Json("""{"equals":{"kind":"secret"}}"""));
        Assert.That(ErrorId(subscribe), Is.EqualTo("security.rights.forbidden"), "the reference answer");

        var join = await api.CallAsync("realtime", "join", withToken, new JsonObject { ["roomId"] = secretRoom });
        Assert.That(Status(join), Is.EqualTo(403), join.ToString());
        Assert.That(ErrorId(join), Is.EqualTo("security.rights.forbidden"));
        var count = await api.CallAsync("realtime", "count", withToken, new JsonObject { ["roomId"] = secretRoom });
        Assert.That(Status(count), Is.EqualTo(403), count.ToString());
        Assert.That(ErrorId(count), Is.EqualTo("security.rights.forbidden"));

        // Nothing published on priv/secret reaches the refused socket.
        var published = await ownerApi.CallAsync("realtime", "publish", new JsonObject { ["index"] = "priv", ["collection"] = "secret" }, Json("""{"kind":"secret"}"""));
        Assert.That(Status(published), Is.EqualTo(200));
        var ownCount = await ownerApi.CallAsync("realtime", "count", null, new JsonObject { ["roomId"] = secretRoom });
        Assert.That(Result(ownCount).GetProperty("count").GetInt32(), Is.EqualTo(1), "the refused join registered nothing");

        // The allowed index still works, and an unknown room is still 404 / count 0.
        Assert.That(Status(await api.CallAsync("realtime", "join", withToken, new JsonObject { ["roomId"] = publicRoom })), Is.EqualTo(200));
        Assert.That(Result(await api.CallAsync("realtime", "count", withToken, new JsonObject { ["roomId"] = publicRoom })).GetProperty("count").GetInt32(), Is.EqualTo(2));
        Assert.That(ErrorId(await api.CallAsync("realtime", "join", withToken, new JsonObject { ["roomId"] = new string('0', 64) })), Is.EqualTo("core.realtime.room_not_found"));
        Assert.That(Result(await api.CallAsync("realtime", "count", withToken, new JsonObject { ["roomId"] = new string('0', 64) })).GetProperty("count").GetInt32(), Is.Zero);

        var list = Result(await api.CallAsync("realtime", "list", withToken));
        Assert.That(list.TryGetProperty("pub", out var pub) && pub.TryGetProperty("news", out _), Is.True, list.ToString());
        Assert.That(list.TryGetProperty("priv", out var priv) ? priv.EnumerateObject().Count() : 0, Is.Zero, list.ToString());
    }

    [Test]
    public async Task Anonymous_without_the_index_gets_401_on_join_as_on_subscribe()
    {
        await using var owner = await _server.ConnectAsync();
        var secretRoom = await SubscribeAsync(new SecurityApi(owner), "priv", "secret");
        await Store.Roles.UpdateAsync("anonymous", Element("""{"controllers":{"auth":{"actions":{"login":true}}}}"""), null, false, 10);
        await Store.Profiles.UpdateAsync("anonymous", Element("""{"policies":[{"roleId":"anonymous"},{"roleId":"realtime-user","restrictedTo":[{"index":"pub"}]}]}"""), null, 10);

        await using var stranger = await _server.ConnectAsync();
        var api = new SecurityApi(stranger);
        var join = await api.CallAsync("realtime", "join", null, new JsonObject { ["roomId"] = secretRoom });
        Assert.That(Status(join), Is.EqualTo(401), join.ToString());
        Assert.That(ErrorId(join), Is.EqualTo("security.rights.unauthorized"));
    }
}

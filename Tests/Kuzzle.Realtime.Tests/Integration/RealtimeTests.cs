using System.Text.Json;
using Kuzzle.Realtime.Server.Realtime;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Integration;

/// <summary>The realtime controller over real sockets (realtime.md §2–§5).</summary>
[TestFixture]
public sealed class RealtimeTests : ServerFixture
{
    private HotelClerk Clerk => Server.Services.GetRequiredService<HotelClerk>();

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    [Test]
    public async Task Subscribe_ReturnsKuzzleRoomIdAndChannel()
    {
        await using var ws = await Server.ConnectAsync();
        var r = await ws.RequestAsync("""{"controller":"realtime","action":"subscribe","index":"nyc-open-data","collection":"yellow-taxi","body":{},"requestId":"s1"}""");
        var result = r.GetProperty("result");
        Assert.That(result.GetProperty("roomId").GetString(), Is.EqualTo("508a79aa1dd1118a980a3cbeb403662fd5c4cd9885c632ea19c03d236f3cd110"));
        Assert.That(result.GetProperty("channel").GetString(), Is.EqualTo("508a79aa1dd1118a980a3cbeb403662fd5c4cd9885c632ea19c03d236f3cd110-311"));

        var users = await ws.RequestAsync("""{"controller":"realtime","action":"subscribe","index":"nyc-open-data","collection":"yellow-taxi","body":{},"users":"all","scope":"in","requestId":"s2"}""");
        Assert.That(users.GetProperty("result").GetProperty("channel").GetString(), Does.EndWith("-112"));
    }

    [Test]
    public async Task Publish_NotifiesMatchingSubscribersOnly_WithThePublishersVolatile()
    {
        var index = Unique("i");
        await using var subscriber = await Server.ConnectAsync();
        await using var other = await Server.ConnectAsync();
        await using var publisher = await Server.ConnectAsync();
        var sub = await subscriber.RequestAsync($$$"""{"controller":"realtime","action":"subscribe","index":"{{{index}}}","collection":"c","body":{"equals":{"color":"red"}},"requestId":"a"}""");
        var channel = sub.GetProperty("result").GetProperty("channel").GetString();
        await other.RequestAsync($$$"""{"controller":"realtime","action":"subscribe","index":"{{{index}}}","collection":"c","body":{"equals":{"color":"blue"}},"requestId":"b"}""");

        var published = await publisher.RequestAsync($$$"""{"controller":"realtime","action":"publish","index":"{{{index}}}","collection":"c","_id":"doc-1","body":{"color":"red","n":1,"_kuzzle_info":{"author":"forged"}},"volatile":{"sdkInstanceId":"x"},"requestId":"p1"}""");
        Assert.That(published.GetProperty("result").GetProperty("published").GetBoolean(), Is.True);

        var n = await subscriber.ReceiveJsonAsync();
        Assert.Multiple(() =>
        {
            Assert.That(n.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "type", "status", "action", "scope", "result", "node", "event", "requestId", "timestamp", "volatile", "index", "collection", "controller", "protocol", "room" }));
            Assert.That(n.GetProperty("type").GetString(), Is.EqualTo("document"));
            Assert.That(n.GetProperty("action").GetString(), Is.EqualTo("publish"));
            Assert.That(n.GetProperty("scope").GetString(), Is.EqualTo("in"));
            Assert.That(n.GetProperty("event").GetString(), Is.EqualTo("publish"));
            Assert.That(n.GetProperty("room").GetString(), Is.EqualTo(channel));
            Assert.That(n.GetProperty("requestId").GetString(), Is.EqualTo("p1"));
            Assert.That(n.GetProperty("volatile").GetProperty("sdkInstanceId").GetString(), Is.EqualTo("x"));
            Assert.That(n.GetProperty("controller").GetString(), Is.EqualTo("realtime"));
            Assert.That(n.GetProperty("protocol").GetString(), Is.EqualTo("websocket"));
            Assert.That(n.GetProperty("result").GetProperty("_id").GetString(), Is.EqualTo("doc-1"));
            Assert.That(n.GetProperty("result").GetProperty("_source").GetProperty("n").GetInt32(), Is.EqualTo(1));
            Assert.That(n.GetProperty("result").GetProperty("_source").GetProperty("_kuzzle_info").GetProperty("author").GetString(), Is.EqualTo("-1"));
        });

        // The blue subscriber got nothing: its next frame is the answer to its own request.
        var own = await other.RequestAsync("""{"controller":"server","action":"now","requestId":"other-now"}""");
        Assert.That(own.GetProperty("room").GetString(), Is.EqualTo("other-now"));
    }

    [Test]
    public async Task PublishWithoutId_HasNoIdKey_AndNobodyListeningIsFine()
    {
        var index = Unique("i");
        await using var ws = await Server.ConnectAsync();
        await ws.RequestAsync($$$"""{"controller":"realtime","action":"subscribe","index":"{{{index}}}","collection":"c","body":{},"requestId":"s"}""");
        await ws.SendTextAsync($$$"""{"controller":"realtime","action":"publish","index":"{{{index}}}","collection":"c","body":{"a":1},"requestId":"p"}""");
        var frames = new[] { await ws.ReceiveJsonAsync(), await ws.ReceiveJsonAsync() };
        var notification = frames.Single(f => f.TryGetProperty("type", out _));
        Assert.That(notification.GetProperty("result").TryGetProperty("_id", out _), Is.False);

        await using var lonely = await Server.ConnectAsync();
        var r = await lonely.RequestAsync("""{"controller":"realtime","action":"publish","index":"nobody","collection":"here","body":{},"requestId":"p2"}""");
        Assert.That(r.GetProperty("result").GetProperty("published").GetBoolean(), Is.True);
    }

    [Test]
    public async Task UserNotifications_AnnounceArrivalsAndDepartures_WithCounts()
    {
        var index = Unique("i");
        await using var watcher = await Server.ConnectAsync();
        var sub = await watcher.RequestAsync($$$"""{"controller":"realtime","action":"subscribe","index":"{{{index}}}","collection":"c","body":{},"users":"all","requestId":"w"}""");
        var roomId = sub.GetProperty("result").GetProperty("roomId").GetString();

        var newcomer = await Server.ConnectAsync();
        await newcomer.RequestAsync($$$"""{"controller":"realtime","action":"subscribe","index":"{{{index}}}","collection":"c","body":{},"volatile":{"name":"newcomer"},"requestId":"n"}""");
        var arrival = await watcher.ReceiveJsonAsync();
        Assert.Multiple(() =>
        {
            Assert.That(arrival.GetProperty("type").GetString(), Is.EqualTo("user"));
            Assert.That(arrival.GetProperty("user").GetString(), Is.EqualTo("in"));
            Assert.That(arrival.GetProperty("result").GetProperty("count").GetInt32(), Is.EqualTo(2));
            Assert.That(arrival.GetProperty("volatile").GetProperty("name").GetString(), Is.EqualTo("newcomer"));
            Assert.That(arrival.GetProperty("action").GetString(), Is.EqualTo("subscribe"));
            Assert.That(arrival.GetProperty("index").GetString(), Is.EqualTo(index));
        });

        var count = await watcher.RequestAsync($$$"""{"controller":"realtime","action":"count","body":{"roomId":"{{{roomId}}}"},"requestId":"cnt"}""");
        Assert.That(count.GetProperty("result").GetProperty("count").GetInt32(), Is.EqualTo(2));

        await newcomer.DisposeAsync();
        var departure = await watcher.ReceiveJsonAsync();
        Assert.Multiple(() =>
        {
            Assert.That(departure.GetProperty("user").GetString(), Is.EqualTo("out"));
            Assert.That(departure.GetProperty("result").GetProperty("count").GetInt32(), Is.EqualTo(1));
            Assert.That(departure.GetProperty("volatile").GetProperty("name").GetString(), Is.EqualTo("newcomer"));
            Assert.That(departure.GetProperty("protocol").ValueKind, Is.EqualTo(JsonValueKind.Null));
        });
    }

    [Test]
    public async Task JoinAndUnsubscribe_AndTheirErrors()
    {
        var index = Unique("i");
        await using var a = await Server.ConnectAsync();
        await using var b = await Server.ConnectAsync();
        var sub = await a.RequestAsync($$$"""{"controller":"realtime","action":"subscribe","index":"{{{index}}}","collection":"c","body":{"exists":"x"},"requestId":"s"}""");
        var roomId = sub.GetProperty("result").GetProperty("roomId").GetString();

        var joined = await b.RequestAsync($$$"""{"controller":"realtime","action":"join","body":{"roomId":"{{{roomId}}}"},"requestId":"j"}""");
        Assert.That(joined.GetProperty("result").GetProperty("roomId").GetString(), Is.EqualTo(roomId));
        var unknown = await b.RequestAsync("""{"controller":"realtime","action":"join","body":{"roomId":"nope"},"requestId":"j2"}""");
        Assert.That(unknown.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("core.realtime.room_not_found"));

        var left = await b.RequestAsync($$$"""{"controller":"realtime","action":"unsubscribe","body":{"roomId":"{{{roomId}}}"},"requestId":"u"}""");
        Assert.That(left.GetProperty("result").GetProperty("roomId").GetString(), Is.EqualTo(roomId));
        var again = await b.RequestAsync($$$"""{"controller":"realtime","action":"unsubscribe","body":{"roomId":"{{{roomId}}}"},"requestId":"u2"}""");
        Assert.That(again.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("core.realtime.not_subscribed"));
        Assert.That(again.GetProperty("status").GetInt32(), Is.EqualTo(412));
    }

    [TestCase("""{"controller":"realtime","action":"subscribe","collection":"c","body":{},"requestId":"e"}""", "api.assert.missing_argument")]
    [TestCase("""{"controller":"realtime","action":"subscribe","index":"i","collection":"c","requestId":"e"}""", "api.assert.body_required")]
    [TestCase("""{"controller":"realtime","action":"subscribe","index":"i","collection":"c","body":{"equals":{"a":1,"b":2}},"requestId":"e"}""", "api.assert.koncorde_dsl_error")]
    [TestCase("""{"controller":"realtime","action":"subscribe","index":"i","collection":"c","body":{"nope":{}},"requestId":"e"}""", "api.assert.koncorde_dsl_error")]
    [TestCase("""{"controller":"realtime","action":"subscribe","index":"i","collection":"c","body":{},"scope":"sideways","requestId":"e"}""", "core.realtime.invalid_scope")]
    [TestCase("""{"controller":"realtime","action":"subscribe","index":"i","collection":"c","body":{},"users":null,"requestId":"e"}""", "core.realtime.invalid_users")]
    [TestCase("""{"controller":"realtime","action":"publish","index":"i","collection":"c","requestId":"e"}""", "api.assert.body_required")]
    [TestCase("""{"controller":"realtime","action":"count","requestId":"e"}""", "api.assert.body_required")]
    public async Task BadSubscribeAndPublishArguments_GetTheSpecError(string payload, string errorId)
    {
        await using var ws = await Server.ConnectAsync();
        var r = await ws.RequestAsync(payload);
        Assert.That(r.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo(errorId));
        Assert.That(r.GetProperty("status").GetInt32(), Is.EqualTo(400));
    }

    [Test]
    public async Task TooManyConditions_IsRejected()
    {
        await using var ws = await Server.ConnectAsync();
        var values = string.Join(",", Enumerable.Range(0, 101));
        var r = await ws.RequestAsync($$$"""{"controller":"realtime","action":"subscribe","index":"i","collection":"c","body":{"in":{"a":[{{{values}}}]}},"requestId":"big"}""");
        Assert.That(r.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("api.assert.koncorde_dsl_error"));
    }

    [Test]
    public async Task RoomLimit_IsEnforced()
    {
        await using var server = await TestServer.StartAsync("--Kuzzle:Limits:SubscriptionRooms=1");
        await using var ws = await server.ConnectAsync();
        await ws.RequestAsync("""{"controller":"realtime","action":"subscribe","index":"i","collection":"c","body":{},"requestId":"r1"}""");
        var second = await ws.RequestAsync("""{"controller":"realtime","action":"subscribe","index":"i","collection":"d","body":{},"requestId":"r2"}""");
        Assert.That(second.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("core.realtime.too_many_rooms"));
        Assert.That(second.GetProperty("status").GetInt32(), Is.EqualTo(413));
    }

    [Test]
    public async Task List_GroupsRoomsByIndexAndCollection()
    {
        var index = Unique("list");
        await using var ws = await Server.ConnectAsync();
        var sub = await ws.RequestAsync($$$"""{"controller":"realtime","action":"subscribe","index":"{{{index}}}","collection":"c","body":{},"requestId":"l1"}""");
        var roomId = sub.GetProperty("result").GetProperty("roomId").GetString()!;
        var list = await ws.RequestAsync("""{"controller":"realtime","action":"list","requestId":"l2"}""");
        Assert.That(list.GetProperty("result").GetProperty(index).GetProperty("c").GetProperty(roomId).GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task Disconnect_LeavesNoRoomOrSubscriptionBehind()
    {
        await using var server = await TestServer.StartAsync();
        var clerk = server.Services.GetRequiredService<HotelClerk>();
        for (var i = 0; i < 5; i++)
        {
            var ws = await server.ConnectAsync();
            await ws.RequestAsync($$$"""{"controller":"realtime","action":"subscribe","index":"i","collection":"c","body":{"equals":{"n":{{{i}}}}},"requestId":"s{{{i}}}"}""");
            await ws.RequestAsync("""{"controller":"realtime","action":"subscribe","index":"i","collection":"c","body":{},"requestId":"all"}""");
            await ws.DisposeAsync();
        }

        await WebSocketLimitsTests.WaitUntilAsync(() => clerk.Subscriptions == 0 && clerk.Rooms == 0);
        Assert.That((clerk.Rooms, clerk.Subscriptions), Is.EqualTo((0, 0)));
        Assert.That(server.Services.GetRequiredService<Kuzzle.Realtime.Koncorde.KoncordeEngine>().FilterCount, Is.Zero);
    }

    [Test]
    public async Task SubscribeOverHttp_AnswersButRegistersNothing()
    {
        using var http = Server.CreateHttpClient();
        var before = Clerk.Subscriptions;
        using var content = new StringContent("""{"controller":"realtime","action":"subscribe","index":"h","collection":"c","body":{}}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/_query", content);
        var body = TestServer.Json(await response.Content.ReadAsStringAsync());
        Assert.That(body.GetProperty("result").GetProperty("channel").GetString(), Does.EndWith("-311"));
        Assert.That(Clerk.Subscriptions, Is.EqualTo(before));
    }

    [Test]
    public async Task PublishOverHttp_ReachesWebSocketSubscribers()
    {
        var index = Unique("http");
        await using var ws = await Server.ConnectAsync();
        await ws.RequestAsync($$$$"""{"controller":"realtime","action":"subscribe","index":"{{{{index}}}}","collection":"c","body":{"range":{"n":{"gte":10}}},"requestId":"s"}""");
        using var http = Server.CreateHttpClient();
        using var content = new StringContent("""{"n":42}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync($"/{index}/c/_publish?_id=abc", content);
        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        var n = await ws.ReceiveJsonAsync();
        Assert.That(n.GetProperty("result").GetProperty("_id").GetString(), Is.EqualTo("abc"));
        Assert.That(n.GetProperty("protocol").GetString(), Is.EqualTo("http"));
    }
}

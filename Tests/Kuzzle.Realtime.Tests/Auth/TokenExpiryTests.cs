using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Auth;

/// <summary>What a WebSocket connection sees when its token expires or is revoked (auth.md §6.4, realtime.md lifecycle).</summary>
[TestFixture]
public sealed class TokenExpiryTests
{
    private TestServer _server = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await TestServer.StartAsync("--Kuzzle:Security:TokenExpiryNotice=1000");
        await TestUsers.CreateAsync(_server, "expiring-kuid", "expiring", "password", "default");
    }

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    [Test]
    public async Task An_expiring_token_is_announced_then_its_subscriptions_dropped_and_the_socket_stays_usable()
    {
        await using var ws = await _server.ConnectAsync();
        var jwt = await TestUsers.LoginAsync(ws, "expiring", "password", expiresIn: "2500");
        var subscribed = await ws.RequestAsync($$"""{"controller":"realtime","action":"subscribe","index":"i","collection":"expiry","body":{},"jwt":"{{jwt}}","requestId":"s1"}""");
        Assert.That(subscribed.GetProperty("status").GetInt32(), Is.EqualTo(200));
        var roomId = subscribed.GetProperty("result").GetProperty("roomId").GetString();

        var soon = await ws.ReceiveJsonAsync(TimeSpan.FromSeconds(5));
        var expired = await ws.ReceiveJsonAsync(TimeSpan.FromSeconds(5));

        Assert.Multiple(() =>
        {
            Assert.That(soon.GetProperty("type").GetString(), Is.EqualTo("TokenExpiringSoon"));
            Assert.That(soon.GetProperty("room").GetString(), Is.EqualTo("kuzzle:notification:server"));
            Assert.That(expired.ToString(), Does.StartWith("""{"status":200,"info":"This is an automated server notification","message":"Authentication Token Expired","type":"TokenExpired","node":"""));
            Assert.That(expired.GetProperty("room").GetString(), Is.EqualTo("kuzzle:notification:server"));
        });

        var count = await ws.RequestAsync($$"""{"controller":"realtime","action":"count","body":{"roomId":"{{roomId}}"},"requestId":"c1"}""");
        Assert.That(count.GetProperty("result").GetProperty("count").GetInt32(), Is.Zero, "the subscription went away with the token");
        var afterExpiry = await ws.RequestAsync($$"""{"controller":"server","action":"now","jwt":"{{jwt}}","requestId":"n1"}""");
        Assert.That(afterExpiry.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("security.token.expired"));
        await Task.Delay(1100); // one login per second per socket
        Assert.That(await TestUsers.LoginAsync(ws, "expiring", "password"), Does.StartWith("kauth-"));
    }

    [Test]
    public async Task Revoking_an_api_key_drops_the_subscriptions_of_its_connections_without_a_frame()
    {
        await using var owner = await _server.ConnectAsync();
        var jwt = await TestUsers.LoginAsync(owner, "expiring", "password");
        var created = await owner.RequestAsync($$$"""{"controller":"auth","action":"createApiKey","jwt":"{{{jwt}}}","requestId":"k1","body":{"description":"revoked soon"}}""");
        var keyId = created.GetProperty("result").GetProperty("_id").GetString();
        var key = created.GetProperty("result").GetProperty("_source").GetProperty("token").GetString();
        await using var keyed = await _server.ConnectAsync();
        var subscribed = await keyed.RequestAsync($$"""{"controller":"realtime","action":"subscribe","index":"i","collection":"revoked","body":{},"jwt":"{{key}}","requestId":"s2"}""");
        var roomId = subscribed.GetProperty("result").GetProperty("roomId").GetString();

        await owner.RequestAsync($$"""{"controller":"auth","action":"deleteApiKey","_id":"{{keyId}}","jwt":"{{jwt}}","requestId":"d1"}""");

        // The revocation reaches the links through the change feed: give it a moment.
        Assert.That(await WaitForCountAsync(roomId!, 0), Is.Zero);
        // No TokenExpired frame: the next frame this socket receives is the answer to its next request.
        await keyed.SendTextAsync("""{"controller":"server","action":"now","requestId":"after-revocation"}""");
        var next = await keyed.ReceiveJsonAsync(TimeSpan.FromSeconds(5));
        Assert.That(next.GetProperty("requestId").GetString(), Is.EqualTo("after-revocation"), next.ToString());
    }
    [Test]
    public async Task A_subscription_goes_with_the_token_that_created_it_even_after_the_socket_switched_tokens()
    {
        await using var socket = await _server.ConnectAsync();
        var tokenA = await TestUsers.LoginAsync(socket, "expiring", "password");
        var keyed = await socket.RequestAsync($$$"""{"controller":"auth","action":"createApiKey","jwt":"{{{tokenA}}}","requestId":"own-k","body":{"description":"own key"}}""");
        var tokenB = keyed.GetProperty("result").GetProperty("_source").GetProperty("token").GetString();

        var roomOfA = await SubscribeAsync(socket, tokenA, "owned-by-a");
        // One frame with another token (the user's own API key): the socket is now linked to B.
        var roomOfB = await SubscribeAsync(socket, tokenB, "owned-by-b");
        Assert.That(await CountAsync(roomOfA), Is.EqualTo(1));

        // Logging A out elsewhere (over HTTP) takes the subscription A created, not the one B created.
        using var http = _server.CreateHttpClient();
        using var logout = new HttpRequestMessage(HttpMethod.Post, "/_logout");
        logout.Headers.Authorization = new("Bearer", tokenA);
        using var loggedOut = await http.SendAsync(logout);
        Assert.That((int)loggedOut.StatusCode, Is.EqualTo(200));

        Assert.That(await WaitForCountAsync(roomOfA, 0), Is.Zero, "A's subscription went with A");
        Assert.That(await CountAsync(roomOfB), Is.EqualTo(1), "B's subscription stays");
        var now = await socket.RequestAsync($$"""{"controller":"server","action":"now","jwt":"{{tokenB}}","requestId":"own-now"}""");
        Assert.That(now.GetProperty("status").GetInt32(), Is.EqualTo(200), "the socket and its current token are untouched");
    }

    [Test]
    public async Task A_subscription_goes_when_its_token_expires_even_after_the_socket_switched_tokens()
    {
        await using var socket = await _server.ConnectAsync();
        var tokenA = await TestUsers.LoginAsync(socket, "expiring", "password", expiresIn: "1500");
        var roomOfA = await SubscribeAsync(socket, tokenA, "expires-with-a");
        await using var other = await _server.ConnectAsync();
        var tokenB = await TestUsers.LoginAsync(other, "expiring", "password");
        var roomOfB = await SubscribeAsync(socket, tokenB, "stays-with-b");

        Assert.That(await WaitForCountAsync(roomOfA, 0), Is.Zero, "A's subscription went when A expired");
        Assert.That(await CountAsync(roomOfB), Is.EqualTo(1));

        // No TokenExpired frame for the socket's current token: its next frame is the answer to its next request.
        await socket.SendTextAsync($$"""{"controller":"server","action":"now","jwt":"{{tokenB}}","requestId":"exp-after"}""");
        var next = await socket.ReceiveJsonAsync(TimeSpan.FromSeconds(5));
        Assert.That(next.GetProperty("requestId").GetString(), Is.EqualTo("exp-after"), next.ToString());
    }

    [Test]
    public async Task Logging_out_on_the_socket_itself_keeps_its_subscriptions()
    {
        await using var socket = await _server.ConnectAsync();
        var token = await TestUsers.LoginAsync(socket, "expiring", "password");
        var room = await SubscribeAsync(socket, token, "own-logout");
        var logout = await socket.RequestAsync($$"""{"controller":"auth","action":"logout","jwt":"{{token}}","requestId":"own-logout"}""");
        Assert.That(logout.GetProperty("status").GetInt32(), Is.EqualTo(200));
        Assert.That(await CountAsync(room), Is.EqualTo(1), "realtime.md §3: the connection continues as anonymous with its subscriptions");
    }

    private static async Task<string> SubscribeAsync(WsClient socket, string? jwt, string collection)
    {
        var subscribed = await socket.RequestAsync($$"""{"controller":"realtime","action":"subscribe","index":"i","collection":"{{collection}}","body":{},"jwt":"{{jwt}}","requestId":"sub-{{collection}}"}""");
        Assert.That(subscribed.GetProperty("status").GetInt32(), Is.EqualTo(200), subscribed.ToString());
        return subscribed.GetProperty("result").GetProperty("roomId").GetString()!;
    }

    private async Task<int> CountAsync(string roomId)
    {
        await using var observer = await _server.ConnectAsync();
        var count = await observer.RequestAsync($$"""{"controller":"realtime","action":"count","body":{"roomId":"{{roomId}}"},"requestId":"count"}""");
        return count.GetProperty("result").GetProperty("count").GetInt32();
    }

    // Revocations travel through the change feed and expiries through a 200 ms timer: poll the condition (bounded).
    private async Task<int> WaitForCountAsync(string roomId, int expected)
    {
        var count = -1;
        for (var i = 0; i < 250 && count != expected; i++)
        {
            count = await CountAsync(roomId);
            if (count != expected)
            {
                await Task.Delay(20); // Polling a real server's timer/feed, not a fixed wait.
            }
        }

        return count;
    }
}

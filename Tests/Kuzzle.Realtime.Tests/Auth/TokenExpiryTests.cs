using System.Text.Json;
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
        JsonElement count = default;
        for (var i = 0; i < 50; i++)
        {
            count = await owner.RequestAsync($$"""{"controller":"realtime","action":"count","body":{"roomId":"{{roomId}}"},"requestId":"c{{i}}"}""");
            if (count.GetProperty("result").GetProperty("count").GetInt32() == 0)
            {
                break;
            }

            await Task.Delay(20);
        }

        Assert.That(count.GetProperty("result").GetProperty("count").GetInt32(), Is.Zero);
        // No TokenExpired frame: the next frame this socket receives is the answer to its next request.
        await keyed.SendTextAsync("""{"controller":"server","action":"now","requestId":"after-revocation"}""");
        var next = await keyed.ReceiveJsonAsync(TimeSpan.FromSeconds(5));
        Assert.That(next.GetProperty("requestId").GetString(), Is.EqualTo("after-revocation"), next.ToString());
    }
}

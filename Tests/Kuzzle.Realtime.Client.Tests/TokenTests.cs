using System.Text.Json.Nodes;
using Kuzzle.Realtime.Client.Tests.Support;

namespace Kuzzle.Realtime.Client.Tests;

/// <summary>Token refresh before expiry and TokenExpired, against the real server's token lifetimes.</summary>
[TestFixture(KuzzleProtocol.WebSocket)]
[TestFixture(KuzzleProtocol.Http)]
public sealed class TokenTests(KuzzleProtocol protocol)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private RealServer _server = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await RealServer.StartAsync();
        await using var admin = await _server.ConnectAsync();
        await Users.CreateAsync(admin, "token-user", "token", "token-password-1");
    }

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    [Test]
    public async Task A_short_lived_token_is_refreshed_before_it_expires_and_the_session_outlives_the_first_token()
    {
        await using var client = await _server.ConnectAsync(protocol);
        var refreshed = new TaskCompletionSource();
        var expired = false;
        client.TokenRefreshed += (_, _) => refreshed.TrySetResult();
        client.TokenExpired += (_, _) => expired = true;

        var first = await client.Auth.LoginForTokenAsync("local", Users.Local("token", "token-password-1"), "4s");
        var collection = "refresh-" + Guid.NewGuid().ToString("N")[..8];
        await using var subscription = protocol == KuzzleProtocol.WebSocket
            ? await client.Realtime.SubscribeStreamAsync("tk", collection, new JsonObject())
            : null;
        await refreshed.Task.WaitAsync(Patience);
        var second = client.Jwt;
        // Waits past the first token's expiry on the real server clock.
        await Wait.UntilAsync(() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() > first.ExpiresAt + 1500, Patience, "the first token's expiry");
        var me = await client.Auth.GetCurrentUserAsync();
        var firstNow = await client.Auth.CheckTokenAsync(first.Jwt);
        if (subscription is not null)
        {
            // The subscription made with the first token lives on with the refreshed one.
            await using var other = await _server.ConnectAsync();
            await other.Realtime.PublishAsync("tk", collection, new JsonObject { ["still"] = "here" });
            var notification = await subscription.ReadAsync().AsTask().WaitAsync(Patience);
            Assert.That(notification.Source.GetProperty("still").GetString(), Is.EqualTo("here"));
        }

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.Not.Null.And.Not.EqualTo(first.Jwt));
            Assert.That(me.Id, Is.EqualTo("token-user"));
            Assert.That(firstNow.Valid, Is.False);
            Assert.That(expired, Is.False);
        });
    }

    [Test]
    public async Task Without_refresh_an_expired_token_raises_TokenExpired_and_clears_it()
    {
        await using var client = await _server.ConnectAsync(protocol, o => o with { AutoRefreshToken = false });
        var expired = new TaskCompletionSource();
        client.TokenExpired += (_, _) => expired.TrySetResult();

        await client.Auth.LoginAsync("local", Users.Local("token", "token-password-1"), "1500");
        if (protocol == KuzzleProtocol.Http)
        {
            // Over HTTP nothing is pushed: the first request after the expiry is rejected, which raises the event.
            await Wait.UntilAsync(async () => !(await client.Auth.CheckTokenAsync()).Valid, Patience, "the token to expire");
            var rejected = (await Assert.ThrowsAsync<KuzzleException>(() => client.Auth.GetCurrentUserAsync()))!;
            Assert.That(rejected.Id, Is.EqualTo("security.token.expired"));
        }

        await expired.Task.WaitAsync(Patience);
        var me = await client.Auth.GetCurrentUserAsync();

        Assert.Multiple(() =>
        {
            Assert.That(client.Jwt, Is.Null);
            Assert.That(me.Id, Is.EqualTo("-1"));
        });
    }

    [Test]
    public void The_lifetime_is_read_from_the_token_payload()
    {
        // {"_id":"u","iat":1700000000,"exp":1700003600} base64url-encoded, with Kuzzle's prefix.
        const string token = "kauth-eyJhbGciOiJIUzI1NiJ9.eyJfaWQiOiJ1IiwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwMDM2MDB9.c2ln";

        var read = KuzzleClient.TryReadLifetime(token, out var issuedAt, out var expiresAt);

        Assert.Multiple(() =>
        {
            Assert.That(read, Is.True);
            Assert.That(issuedAt.ToUnixTimeSeconds(), Is.EqualTo(1_700_000_000));
            Assert.That(expiresAt.ToUnixTimeSeconds(), Is.EqualTo(1_700_003_600));
            Assert.That(KuzzleClient.TryReadLifetime("kapikey-not.a-token", out _, out _), Is.False);
            Assert.That(KuzzleClient.TryReadLifetime("garbage", out _, out _), Is.False);
        });
    }
}

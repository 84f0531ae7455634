using System.Text.Json.Nodes;
using Kuzzle.Realtime.Client.Tests.Support;

namespace Kuzzle.Realtime.Client.Tests;

/// <summary>
/// Reliability under a real server that goes away: stopped and started again on the same port with the same embedded store
/// (tokens and users survive), or cut off by a frozen network.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ReconnectionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static Task<T> Next<T>(TaskCompletionSource<T> source) => source.Task.WaitAsync(Patience);

    private static Task Next(TaskCompletionSource source) => source.Task.WaitAsync(Patience);

    private static async Task<RealServer> StartWithUserAsync(string kuid, string username, string password)
    {
        var server = await RealServer.StartAsync();
        await using var setup = await server.ConnectAsync();
        await Users.CreateAsync(setup, kuid, username, password);
        return server;
    }

    [Test]
    public async Task After_a_server_restart_the_client_reconnects_keeps_its_token_and_every_room_is_subscribed_again()
    {
        await using var server = await StartWithUserAsync("restart-user", "restart", "restart-password-1");

        await using var client = await server.ConnectAsync();
        await client.Auth.LoginAsync("local", Users.Local("restart", "restart-password-1"));
        var jwt = client.Jwt;
        var received = new TaskCompletionSource<Notification>();
        var roomId = await client.Realtime.SubscribeAsync("rc", "handler", new JsonObject(), n => received.TrySetResult(n));
        await using var stream = await client.Realtime.SubscribeStreamAsync("rc", "stream", new JsonObject { ["exists"] = "tag" });
        await using var oneShot = await client.Realtime.SubscribeStreamAsync("rc", "one-shot", new JsonObject(), SubscribeOptions.Default with { AutoResubscribe = false });
        var disconnected = new TaskCompletionSource<KuzzleDisconnectedEventArgs>();
        var reconnected = new TaskCompletionSource();
        client.Disconnected += (_, e) => disconnected.TrySetResult(e);
        client.Reconnected += (_, _) => reconnected.TrySetResult();

        await server.StopAsync();
        var lost = await Next(disconnected);
        Assert.That(client.State, Is.EqualTo(KuzzleClientState.Reconnecting));
        await server.RestartAsync();
        await Next(reconnected);

        await using var publisher = await server.ConnectAsync();
        Assert.That(await publisher.Realtime.CountAsync(roomId), Is.EqualTo(1));
        await publisher.Realtime.PublishAsync("rc", "handler", new JsonObject { ["after"] = "restart" });
        await publisher.Realtime.PublishAsync("rc", "stream", new JsonObject { ["tag"] = "restart" });
        var viaHandler = await Next(received);
        var viaStream = await stream.ReadAsync().AsTask().WaitAsync(Patience);
        var me = await client.Auth.GetCurrentUserAsync();
        var oneShotItems = 0;
        using (var cancel = new CancellationTokenSource(Patience))
        {
            await foreach (var unused in oneShot.WithCancellation(cancel.Token))
            {
                oneShotItems++;
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(oneShotItems, Is.Zero, "a subscription without AutoResubscribe ends with the connection");
            Assert.That(client.Realtime.LocalSubscriptionCount, Is.EqualTo(2));
            Assert.That(lost.WillReconnect, Is.True);
            Assert.That(client.State, Is.EqualTo(KuzzleClientState.Connected));
            Assert.That(client.Jwt, Is.EqualTo(jwt));
            Assert.That(me.Id, Is.EqualTo("restart-user"));
            Assert.That(viaHandler.Source.GetProperty("after").GetString(), Is.EqualTo("restart"));
            Assert.That(viaStream.Source.GetProperty("tag").GetString(), Is.EqualTo("restart"));
        });
    }

    [Test]
    public async Task Requests_made_while_the_server_is_down_wait_in_the_queue_and_are_answered_in_order_after_the_restart()
    {
        await using var server = await RealServer.StartAsync();
        await using var client = await server.ConnectAsync(configure: o => o with { OfflineQueueMaxSize = 3 });
        var collection = "queue-" + Guid.NewGuid().ToString("N")[..8];
        await using var subscription = await client.Realtime.SubscribeStreamAsync("rc", collection, new JsonObject());
        var disconnected = new TaskCompletionSource();
        client.Disconnected += (_, _) => disconnected.TrySetResult();

        await server.StopAsync();
        await Next(disconnected);
        var first = client.Realtime.PublishAsync("rc", collection, new JsonObject { ["n"] = 1 });
        var second = client.Realtime.PublishAsync("rc", collection, new JsonObject { ["n"] = 2 });
        var now = client.Server.NowAsync();
        var overflow = (await Assert.ThrowsAsync<KuzzleException>(() => client.Server.NowAsync()))!;
        var notQueuable = (await Assert.ThrowsAsync<KuzzleException>(() => client.QueryAsync(new KuzzleRequest("server", "now"), new QueryOptions { Queuable = false })))!;
        Assert.That(client.QueuedRequests, Is.EqualTo(3));

        await server.RestartAsync();
        var published = await Task.WhenAll(first, second).WaitAsync(Patience);
        var serverTime = await now.WaitAsync(Patience);
        var n1 = await subscription.ReadAsync().AsTask().WaitAsync(Patience);
        var n2 = await subscription.ReadAsync().AsTask().WaitAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(overflow.Id, Is.EqualTo(ClientErrors.OfflineQueueFull));
            Assert.That(notQueuable.Id, Is.EqualTo(ClientErrors.NotConnected));
            Assert.That(published, Is.All.True);
            Assert.That(serverTime, Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(-1)));
            Assert.That(n1.Source.GetProperty("n").GetInt32(), Is.EqualTo(1), "the subscription is restored before the queue is sent");
            Assert.That(n2.Source.GetProperty("n").GetInt32(), Is.EqualTo(2));
            Assert.That(client.QueuedRequests, Is.Zero);
        });
    }

    [Test]
    public async Task A_queued_request_older_than_the_queue_ttl_fails_with_timeout()
    {
        await using var server = await RealServer.StartAsync();
        await using var client = await server.ConnectAsync(configure: o => o with
        {
            OfflineQueueTtl = TimeSpan.FromMilliseconds(300),
            RequestTimeout = TimeSpan.FromMilliseconds(300),
        });
        var disconnected = new TaskCompletionSource();
        client.Disconnected += (_, _) => disconnected.TrySetResult();

        await server.StopAsync();
        await Next(disconnected);
        var error = (await Assert.ThrowsAsync<KuzzleException>(() => client.Server.NowAsync()))!;

        Assert.That(error.Id, Is.EqualTo(ClientErrors.Timeout));
    }

    [Test]
    public async Task Disconnect_during_reconnection_stops_it_and_fails_the_queue()
    {
        await using var server = await RealServer.StartAsync();
        var client = await server.ConnectAsync();
        var disconnected = new TaskCompletionSource();
        client.Disconnected += (_, _) => disconnected.TrySetResult();
        await server.StopAsync();
        await Next(disconnected);
        var queued = client.Server.NowAsync();

        await client.DisconnectAsync();
        var error = (await Assert.ThrowsAsync<KuzzleException>(() => queued))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Id, Is.EqualTo(ClientErrors.NotConnected));
            Assert.That(client.State, Is.EqualTo(KuzzleClientState.Disconnected));
        });
        await client.DisposeAsync();
    }

    [Test]
    public async Task A_frozen_network_is_noticed_by_the_ping_within_two_periods_and_the_client_reconnects()
    {
        await using var server = await RealServer.StartAsync();
        await using var proxy = new FreezableProxy(server.Port);
        // Half a second: short enough to measure, long enough for a loaded machine to answer a ping in time.
        var ping = TimeSpan.FromMilliseconds(500);
        await using var client = new KuzzleClient(server.ClientOptions() with { Port = proxy.Port, PingInterval = ping });
        await client.ConnectAsync();
        var collection = "frozen-" + Guid.NewGuid().ToString("N")[..8];
        await using var subscription = await client.Realtime.SubscribeStreamAsync("rc", collection, new JsonObject());
        var disconnected = new TaskCompletionSource<KuzzleDisconnectedEventArgs>();
        var reconnected = new TaskCompletionSource();
        client.Disconnected += (_, e) => disconnected.TrySetResult(e);
        client.Reconnected += (_, _) => reconnected.TrySetResult();

        var frozenAt = DateTime.UtcNow;
        proxy.FreezeExisting();
        var lost = await Next(disconnected);
        var noticedAfter = DateTime.UtcNow - frozenAt;
        await Next(reconnected);
        await using var publisher = await server.ConnectAsync();
        await publisher.Realtime.PublishAsync("rc", collection, new JsonObject { ["through"] = "new connection" });
        var notification = await subscription.ReadAsync().AsTask().WaitAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(lost.Error, Is.InstanceOf<TimeoutException>());
            Assert.That(noticedAfter, Is.LessThan(ping * 3 + TimeSpan.FromSeconds(1)));
            Assert.That(proxy.Accepted, Is.EqualTo(2));
            Assert.That(notification.Source.GetProperty("through").GetString(), Is.EqualTo("new connection"));
        });
    }

    [Test]
    public async Task Without_auto_reconnect_a_lost_connection_leaves_the_client_disconnected()
    {
        await using var server = await RealServer.StartAsync();
        await using var client = await server.ConnectAsync(configure: o => o with { AutoReconnect = false });
        var disconnected = new TaskCompletionSource<KuzzleDisconnectedEventArgs>();
        client.Disconnected += (_, e) => disconnected.TrySetResult(e);

        await server.StopAsync();
        var lost = await Next(disconnected);
        var error = (await Assert.ThrowsAsync<KuzzleException>(() => client.Server.NowAsync()))!;

        Assert.Multiple(() =>
        {
            Assert.That(lost.WillReconnect, Is.False);
            Assert.That(client.State, Is.EqualTo(KuzzleClientState.Disconnected));
            Assert.That(error.Id, Is.EqualTo(ClientErrors.NotConnected));
        });
    }

    [Test]
    public async Task A_refresh_that_came_due_while_the_server_was_down_happens_right_after_the_reconnection()
    {
        await using var server = await StartWithUserAsync("due-user", "due", "due-password-1");

        await using var client = await server.ConnectAsync();
        var refreshed = new TaskCompletionSource();
        var reconnected = new TaskCompletionSource();
        client.TokenRefreshed += (_, _) => refreshed.TrySetResult();
        client.Reconnected += (_, _) => reconnected.TrySetResult();
        // 10 s lifetime: the refresh is due 2.5 s before expiry (a quarter of the lifetime, under the 60 s margin).
        var token = await client.Auth.LoginForTokenAsync("local", Users.Local("due", "due-password-1"), "10s");
        var dueAt = token.ExpiresAt - 2500;

        await server.StopAsync();
        // Waits on the real clock until the refresh timer has fired while offline.
        await Wait.UntilAsync(() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() > dueAt + 200, Patience, "the refresh to come due");
        Assert.That(refreshed.Task.IsCompleted, Is.False);
        await server.RestartAsync();
        await Next(reconnected);
        await Next(refreshed);
        var check = await client.Auth.CheckTokenAsync();

        Assert.Multiple(() =>
        {
            Assert.That(client.Jwt, Is.Not.EqualTo(token.Jwt));
            Assert.That(check.Valid, Is.True);
            Assert.That(check.ExpiresAt, Is.GreaterThan(token.ExpiresAt));
        });
    }

    [Test]
    public async Task A_token_that_expired_while_the_server_was_down_raises_TokenExpired_after_the_reconnection()
    {
        await using var server = await StartWithUserAsync("late-user", "late", "late-password-1");

        await using var client = await server.ConnectAsync(configure: o => o with { AutoRefreshToken = false });
        var expired = new TaskCompletionSource();
        var reconnected = new TaskCompletionSource();
        client.TokenExpired += (_, _) => expired.TrySetResult();
        client.Reconnected += (_, _) => reconnected.TrySetResult();
        var token = await client.Auth.LoginForTokenAsync("local", Users.Local("late", "late-password-1"), "1s");

        await server.StopAsync();
        // Waits on the real clock for the token to expire while the server is down.
        await Wait.UntilAsync(() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() > token.ExpiresAt + 200, Patience, "the token to expire");
        await server.RestartAsync();
        await Next(reconnected);
        await Next(expired);

        Assert.Multiple(async () =>
        {
            Assert.That(client.Jwt, Is.Null);
            Assert.That((await client.Auth.GetCurrentUserAsync()).Id, Is.EqualTo("-1"));
        });
    }

    [Test]
    public async Task After_TokenExpired_the_next_login_subscribes_the_dropped_rooms_again()
    {
        await using var server = await StartWithUserAsync("token-user", "token", "token-password-1");

        await using var client = await server.ConnectAsync(configure: o => o with { AutoRefreshToken = false });
        var expired = new TaskCompletionSource();
        client.TokenExpired += (_, _) => expired.TrySetResult();
        await client.Auth.LoginAsync("local", Users.Local("token", "token-password-1"), "1500");
        var collection = "expired-" + Guid.NewGuid().ToString("N")[..8];
        await using var subscription = await client.Realtime.SubscribeStreamAsync("tk", collection, new JsonObject());

        await Next(expired);
        await using var other = await server.ConnectAsync();
        var countAfterExpiry = await other.Realtime.CountAsync(subscription.RoomId);
        await client.Auth.LoginAsync("local", Users.Local("token", "token-password-1"), "1h");
        var countAfterLogin = await other.Realtime.CountAsync(subscription.RoomId);
        await other.Realtime.PublishAsync("tk", collection, new JsonObject { ["back"] = true });
        var notification = await subscription.ReadAsync().AsTask().WaitAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(countAfterExpiry, Is.Zero);
            Assert.That(countAfterLogin, Is.EqualTo(1));
            Assert.That(notification.Source.GetProperty("back").GetBoolean(), Is.True);
        });
    }

    [Test]
    public void Backoff_doubles_up_to_the_maximum_with_jitter_between_half_and_all()
    {
        var options = KuzzleClientOptions.Default with { ReconnectionDelay = TimeSpan.FromMilliseconds(100), MaxReconnectionDelay = TimeSpan.FromMilliseconds(1000) };
        var client = new KuzzleClient(options);
        var delays = Enumerable.Range(0, 200).Select(i => (Attempt: i % 10, Delay: client.BackoffDelay(i % 10).TotalMilliseconds)).ToList();

        Assert.Multiple(() =>
        {
            foreach (var (attempt, delay) in delays)
            {
                var ceiling = Math.Min(1000, 100 * Math.Pow(2, attempt));
                Assert.That(delay, Is.InRange(ceiling / 2, ceiling), $"attempt {attempt}");
            }

            Assert.That(delays.Where(d => d.Attempt == 9).Select(d => d.Delay).Distinct().Count(), Is.GreaterThan(1), "jitter");
        });
    }
}

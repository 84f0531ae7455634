using System.Text.Json.Nodes;
using Kuzzle.Realtime.Client.Tests.Support;

namespace Kuzzle.Realtime.Client.Tests;

/// <summary>Every realtime action through the typed controller, notifications as callbacks and as streams.</summary>
[TestFixture]
public sealed class RealtimeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private RealServer _server = null!;

    [OneTimeSetUp]
    public async Task Start() => _server = await RealServer.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    [Test]
    public async Task A_handler_receives_matching_publications_in_order_and_not_the_others()
    {
        await using var subscriber = await _server.ConnectAsync();
        await using var publisher = await _server.ConnectAsync();
        var collection = Unique("handler");
        var received = new List<Notification>();
        var three = new TaskCompletionSource();

        var roomId = await subscriber.Realtime.SubscribeAsync("rt", collection, new JsonObject { ["equals"] = new JsonObject { ["color"] = "red" } }, n =>
        {
            lock (received)
            {
                received.Add(n);
                if (received.Count == 3)
                {
                    three.TrySetResult();
                }
            }
        });
        for (var i = 0; i < 3; i++)
        {
            Assert.That(await publisher.Realtime.PublishAsync("rt", collection, new JsonObject { ["color"] = "blue", ["n"] = i }), Is.True);
            Assert.That(await publisher.Realtime.PublishAsync("rt", collection, new JsonObject { ["color"] = "red", ["n"] = i }, id: "doc-" + i), Is.True);
        }

        await three.Task.WaitAsync(Patience);
        Assert.Multiple(() =>
        {
            Assert.That(roomId, Has.Length.EqualTo(64));
            Assert.That(received.Select(n => n.Source.GetProperty("n").GetInt32()), Is.EqualTo(new[] { 0, 1, 2 }));
            Assert.That(received.Select(n => n.DocumentId), Is.EqualTo(new[] { "doc-0", "doc-1", "doc-2" }));
            Assert.That(received[0].Type, Is.EqualTo("document"));
            Assert.That(received[0].Action, Is.EqualTo("publish"));
            Assert.That(received[0].Scope, Is.EqualTo("in"));
            Assert.That(received[0].Index, Is.EqualTo("rt"));
            Assert.That(received[0].Collection, Is.EqualTo(collection));
            Assert.That(received[0].Room, Does.StartWith(roomId));
            Assert.That(received[0].Timestamp, Is.GreaterThan(0));
        });
    }

    [Test]
    public async Task A_stream_yields_notifications_and_disposing_it_unsubscribes()
    {
        await using var subscriber = await _server.ConnectAsync();
        await using var publisher = await _server.ConnectAsync();
        var collection = Unique("stream");

        var subscription = await subscriber.Realtime.SubscribeStreamAsync("rt", collection, new JsonObject());
        Assert.That(await publisher.Realtime.CountAsync(subscription.RoomId), Is.EqualTo(1));
        await publisher.Realtime.PublishAsync("rt", collection, new JsonObject { ["hello"] = "stream" });

        Notification? first = null;
        using (var cancel = new CancellationTokenSource(Patience))
        {
            await foreach (var notification in subscription.WithCancellation(cancel.Token))
            {
                first = notification;
                break;
            }
        }

        await subscription.DisposeAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(first!.Source.GetProperty("hello").GetString(), Is.EqualTo("stream"));
            Assert.That(await publisher.Realtime.CountAsync(subscription.RoomId), Is.Zero);
            Assert.That(subscriber.Realtime.LocalSubscriptionCount, Is.Zero);
        });
    }

    [Test]
    public async Task Unsubscribe_leaves_the_room_and_list_shows_rooms()
    {
        await using var subscriber = await _server.ConnectAsync();
        var collection = Unique("list");
        var roomId = await subscriber.Realtime.SubscribeAsync("rt", collection, new JsonObject(), _ => { });

        var listed = await subscriber.Realtime.ListAsync();
        await subscriber.Realtime.UnsubscribeAsync(roomId);

        Assert.Multiple(async () =>
        {
            Assert.That(listed.GetProperty("rt").GetProperty(collection).GetProperty(roomId).GetInt32(), Is.EqualTo(1));
            Assert.That(await subscriber.Realtime.CountAsync(roomId), Is.Zero);
            Assert.That(subscriber.Realtime.LocalSubscriptionCount, Is.Zero);
        });
        var error = (await Assert.ThrowsAsync<KuzzleException>(() => subscriber.Realtime.UnsubscribeAsync(roomId)))!;
        Assert.That(error.Id, Is.EqualTo("core.realtime.not_subscribed"));
    }

    [Test]
    public async Task User_notifications_and_subscribe_options_reach_the_server()
    {
        await using var watcher = await _server.ConnectAsync();
        await using var joiner = await _server.ConnectAsync();
        var collection = Unique("users");
        var watching = await watcher.Realtime.SubscribeStreamAsync("rt", collection, new JsonObject(), SubscribeOptions.Default with { Users = UserEvents.All, Scope = SubscriptionScope.None });

        await using var joined = await joiner.Realtime.SubscribeStreamAsync("rt", collection, new JsonObject(),
            SubscribeOptions.Default with { Volatile = new JsonObject { ["name"] = "joiner" } });
        var userIn = await watching.ReadAsync().AsTask().WaitAsync(Patience);
        await joiner.Realtime.PublishAsync("rt", collection, new JsonObject { ["not"] = "for the watcher" });
        await joined.DisposeAsync();
        var userOut = await watching.ReadAsync().AsTask().WaitAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(watching.Channel, Does.EndWith("-11"));
            Assert.That(userIn.Type, Is.EqualTo("user"));
            Assert.That(userIn.User, Is.EqualTo("in"));
            Assert.That(userIn.Count, Is.EqualTo(2));
            Assert.That(userIn.Volatile.GetProperty("name").GetString(), Is.EqualTo("joiner"));
            Assert.That(userOut.User, Is.EqualTo("out"));
            Assert.That(userOut.Count, Is.EqualTo(1));
        });
        await watching.DisposeAsync();
    }

    [Test]
    public async Task SubscribeToSelf_false_skips_the_clients_own_publications()
    {
        await using var client = await _server.ConnectAsync();
        await using var other = await _server.ConnectAsync();
        var collection = Unique("self");
        await using var subscription = await client.Realtime.SubscribeStreamAsync("rt", collection, new JsonObject(), SubscribeOptions.Default with { SubscribeToSelf = false });

        await client.Realtime.PublishAsync("rt", collection, new JsonObject { ["from"] = "self" });
        await other.Realtime.PublishAsync("rt", collection, new JsonObject { ["from"] = "other" });
        var first = await subscription.ReadAsync().AsTask().WaitAsync(Patience);

        Assert.That(first.Source.GetProperty("from").GetString(), Is.EqualTo("other"));
    }

    [Test]
    public async Task A_failing_handler_is_reported_and_the_next_notifications_still_arrive()
    {
        await using var client = await _server.ConnectAsync();
        var collection = Unique("throwing");
        var errors = new TaskCompletionSource<KuzzleErrorEventArgs>();
        client.BackgroundError += (_, e) => errors.TrySetResult(e);
        var second = new TaskCompletionSource<Notification>();
        await client.Realtime.SubscribeAsync("rt", collection, new JsonObject(), async n =>
        {
            await Task.Yield();
            if (n.Source.GetProperty("n").GetInt32() == 1)
            {
                throw new InvalidOperationException("handler bug");
            }

            second.TrySetResult(n);
        });

        await client.Realtime.PublishAsync("rt", collection, new JsonObject { ["n"] = 1 });
        await client.Realtime.PublishAsync("rt", collection, new JsonObject { ["n"] = 2 });

        var reported = await errors.Task.WaitAsync(Patience);
        var delivered = await second.Task.WaitAsync(Patience);
        Assert.Multiple(() =>
        {
            Assert.That(reported.Context, Is.EqualTo("notification handler"));
            Assert.That(reported.Error.Message, Is.EqualTo("handler bug"));
            Assert.That(delivered.Source.GetProperty("n").GetInt32(), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Subscriptions_need_the_websocket_protocol()
    {
        await using var client = await _server.ConnectAsync(KuzzleProtocol.Http);

        await Assert.ThrowsAsync<NotSupportedException>(() => client.Realtime.SubscribeStreamAsync("rt", "http", new JsonObject()));
        Assert.That(await client.Realtime.PublishAsync("rt", "http", new JsonObject { ["over"] = "http" }), Is.True);
    }
}

using System.Net.WebSockets;
using Kuzzle.Realtime.Server.Diagnostics;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Integration;

/// <summary>
/// Bursts over real sockets (protocol.md §4.6): clients that read are never closed, whatever the burst; a client that stops reading
/// is closed with a close frame 1011 only once it exceeds the byte budget or the stall timeout, and never costs the others.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class BurstDeliveryTests
{
    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>R distinct filters that all match every published document (seq ≥ 0).</summary>
    internal static string RoomFilter(int room) => """{"range":{"seq":{"gte":""" + (-1 - room).ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}}";

    internal static string Publish(string index, long seq, string pad = "") =>
        $$"""{"controller":"realtime","action":"publish","index":"{{index}}","collection":"c","body":{"seq":{{seq}},"pad":"{{pad}}"},"requestId":"p{{seq}}"}""";

    /// <summary>Sends every publish back to back (no waiting for answers), then waits for all the answers.</summary>
    internal static async Task PipelinePublishesAsync(FrameLedger publisher, string index, int count, string pad = "")
    {
        for (var seq = 0; seq < count; seq++)
        {
            await publisher.SendAsync(Publish(index, seq, pad));
        }

        await publisher.WaitForAsync(l => l.AnswerCount >= count, $"{count} publish answers");
        Assert.That(publisher.Answer("p0")!.Value.GetProperty("status").GetInt32(), Is.EqualTo(200));
    }

    internal static async Task<List<string>> SubscribeRoomsAsync(FrameLedger subscriber, string index, int rooms)
    {
        var channels = new List<string>();
        for (var r = 0; r < rooms; r++)
        {
            channels.Add(await subscriber.SubscribeAsync(index, "c", RoomFilter(r)));
        }

        return channels;
    }

    internal static void AssertAllExactlyOnce(FrameLedger subscriber, IReadOnlyList<string> channels, int publishes)
    {
        Assert.Multiple(() =>
        {
            Assert.That(subscriber.NotificationCount, Is.EqualTo(channels.Count * publishes), subscriber.State);
            Assert.That(subscriber.Duplicates, Is.Zero);
            Assert.That(subscriber.IsReading, Is.True, subscriber.State);
        });
        foreach (var channel in channels)
        {
            for (var seq = 0; seq < publishes; seq++)
            {
                if (!subscriber.Has(channel, seq))
                {
                    Assert.Fail($"missing seq {seq} on {channel}");
                }
            }
        }
    }

    [Test]
    public async Task OneSubscriberOnTwentyRooms_GetsEveryNotificationOfAThousandPipelinedPublishes()
    {
        await using var server = await TestServer.StartAsync();
        await OneSubscriberOnTwentyRoomsAsync(server, server);
    }

    [Test]
    public async Task TwentySubscribersOnTenRooms_GetEveryNotificationOfFiveHundredPipelinedPublishes()
    {
        await using var server = await TestServer.StartAsync();
        await TwentySubscribersOnTenRoomsAsync(_ => server, server);
    }

    /// <summary>One subscriber on 20 rooms, 1,000 publishes pipelined (on the same node or another): 20,000 notifications, exactly once.</summary>
    internal static async Task OneSubscriberOnTwentyRoomsAsync(TestServer subscriberNode, TestServer publisherNode)
    {
        var index = Unique("burst");
        await using var subscriber = await FrameLedger.ConnectAsync(subscriberNode.WebSocketUri);
        await using var publisher = await FrameLedger.ConnectAsync(publisherNode.WebSocketUri);
        var channels = await SubscribeRoomsAsync(subscriber, index, 20);

        await PipelinePublishesAsync(publisher, index, 1000);
        await subscriber.WaitForAsync(l => l.NotificationCount >= 20_000, "20,000 notifications");

        AssertAllExactlyOnce(subscriber, channels, 1000);
        Assert.That(publisher.IsReading, Is.True, publisher.State);
        Assert.That(subscriberNode.Services.GetRequiredService<ApiMetrics>().SlowConsumersClosed, Is.Zero);
    }

    /// <summary>20 subscribers on 10 rooms each (subscriber s on <paramref name="nodeOf"/>(s)), 500 publishes pipelined: 100,000, exactly once.</summary>
    internal static async Task TwentySubscribersOnTenRoomsAsync(Func<int, TestServer> nodeOf, TestServer publisherNode)
    {
        var index = Unique("burst");
        var subscribers = new List<(FrameLedger Ledger, List<string> Channels)>();
        try
        {
            for (var s = 0; s < 20; s++)
            {
                var ledger = await FrameLedger.ConnectAsync(nodeOf(s).WebSocketUri);
                subscribers.Add((ledger, await SubscribeRoomsAsync(ledger, index, 10)));
            }

            await using var publisher = await FrameLedger.ConnectAsync(publisherNode.WebSocketUri);
            await PipelinePublishesAsync(publisher, index, 500);
            foreach (var (ledger, _) in subscribers)
            {
                await ledger.WaitForAsync(l => l.NotificationCount >= 5_000, "5,000 notifications per subscriber");
            }

            Assert.That(subscribers.Sum(s => s.Ledger.NotificationCount), Is.EqualTo(100_000));
            foreach (var (ledger, channels) in subscribers)
            {
                AssertAllExactlyOnce(ledger, channels, 500);
            }

            Assert.That(Enumerable.Range(0, 20).Select(nodeOf).Distinct().Sum(n => n.Services.GetRequiredService<ApiMetrics>().SlowConsumersClosed), Is.Zero);
        }
        finally
        {
            foreach (var (ledger, _) in subscribers)
            {
                await ledger.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task OneSocketPipeliningFiveThousandRequests_GetsFiveThousandAnswers()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await FrameLedger.ConnectAsync(server.WebSocketUri);
        for (var i = 0; i < 5000; i++)
        {
            await client.SendAsync($$"""{"controller":"server","action":"now","requestId":"r{{i}}"}""");
        }

        await client.WaitForAsync(l => l.AnswerCount >= 5000, "5,000 answers");
        Assert.Multiple(() =>
        {
            Assert.That(client.AnswerCount, Is.EqualTo(5000));
            Assert.That(client.Duplicates, Is.Zero);
            Assert.That(client.IsReading, Is.True, client.State);
            Assert.That(Enumerable.Range(0, 5000).All(i => client.Answer("r" + i)?.GetProperty("status").GetInt32() == 200), Is.True);
        });
    }

    [Test]
    public async Task StalledSubscriberUnderTheBudget_GetsEverythingOnceItReadsAgain_AndNeverSlowsTheReadingOne()
    {
        await using var server = await TestServer.StartAsync("--Kuzzle:Server:WebSocket:SendQueueBytes=4194304");
        var index = Unique("stall");
        await using var reading = await FrameLedger.ConnectAsync(server.WebSocketUri);
        await using var stalled = await FrameLedger.ConnectSmallBufferAsync(server.Port, 4096);
        await using var publisher = await FrameLedger.ConnectAsync(server.WebSocketUri);
        var readingChannels = await SubscribeRoomsAsync(reading, index, 5);
        var stalledChannels = await SubscribeRoomsAsync(stalled, index, 5);

        stalled.Pause();
        await PipelinePublishesAsync(publisher, index, 400);
        await reading.WaitForAsync(l => l.NotificationCount >= 2000, "2,000 notifications on the reading socket");
        AssertAllExactlyOnce(reading, readingChannels, 400);

        stalled.Resume();
        await stalled.WaitForAsync(l => l.NotificationCount >= 2000, "2,000 notifications on the stalled socket");
        AssertAllExactlyOnce(stalled, stalledChannels, 400);
        Assert.That(server.Services.GetRequiredService<ApiMetrics>().SlowConsumersClosed, Is.Zero);
    }

    [Test]
    public async Task StalledSubscriberOverTheByteBudget_IsClosedWith1011_WhileTheReadingOneGetsEverything()
    {
        await using var server = await TestServer.StartAsync("--Kuzzle:Server:WebSocket:SendQueueBytes=2097152");
        await StalledBesideReadingAsync(server, server);
    }

    /// <summary>
    /// A reading and a stalled subscriber (two rooms each) on one node, 2,000 publishes of 2 KB pipelined on another (or the same): about
    /// 8 MB for each subscriber, more than a 2 MiB budget plus what the kernel's socket buffers absorb (up to 4 MiB), while a reading
    /// socket stays far below it. The reading one gets everything exactly once; the stalled one is closed with a close frame 1011.
    /// </summary>
    internal static async Task StalledBesideReadingAsync(TestServer subscriberNode, TestServer publisherNode)
    {
        var index = Unique("stalled");
        await using var reading = await FrameLedger.ConnectAsync(subscriberNode.WebSocketUri);
        await using var stalled = await FrameLedger.ConnectSmallBufferAsync(subscriberNode.Port, 4096);
        await using var publisher = await FrameLedger.ConnectAsync(publisherNode.WebSocketUri);
        var readingChannels = await SubscribeRoomsAsync(reading, index, 2);
        await SubscribeRoomsAsync(stalled, index, 2);

        stalled.Pause();
        await PipelinePublishesAsync(publisher, index, 2000, new string('x', 2048));
        await reading.WaitForAsync(l => l.NotificationCount >= 4000, "4,000 notifications on the reading socket");
        AssertAllExactlyOnce(reading, readingChannels, 2000);
        Assert.That(subscriberNode.Services.GetRequiredService<ApiMetrics>().SlowConsumersClosed, Is.EqualTo(1));

        stalled.Resume();
        await stalled.WaitForEndAsync();
        AssertClosedAsTooSlow(stalled);
        Assert.That(stalled.NotificationCount, Is.LessThan(4000), "closed before everything was sent");
    }

    [Test]
    public async Task StalledSubscriberPastTheStallTimeout_IsClosedWith1011()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await TestServer.StartAsync(
            services => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs), "--Kuzzle:Server:WebSocket:SendStallTimeout=1000");
        var index = Unique("timeout");
        await using var stalled = await FrameLedger.ConnectSmallBufferAsync(server.Port, 4096);
        await using var publisher = await FrameLedger.ConnectAsync(server.WebSocketUri);
        await SubscribeRoomsAsync(stalled, index, 1);

        // About 6 MB: more than the socket buffers absorb (up to 4 MiB), less than the 16 MiB budget, so only the stall timeout closes it.
        stalled.Pause();
        await PipelinePublishesAsync(publisher, index, 3000, new string('x', 2048));
        var metrics = server.Services.GetRequiredService<ApiMetrics>();
        await publisher.WaitForAsync(_ => metrics.SlowConsumersClosed == 1, "the stalled socket to be closed");

        stalled.Resume();
        await stalled.WaitForEndAsync();
        AssertClosedAsTooSlow(stalled);
        Assert.That(stalled.NotificationCount, Is.LessThan(3000), "closed before everything was sent");

        // The warning names the connection, its user (anonymous here) and the limit it hit.
        Assert.That(logs.Lines, Has.One.Matches<string?>(l => l is not null &&
            l.Contains("Warning Closing WebSocket ws-", StringComparison.Ordinal) && l.Contains("of user -1", StringComparison.Ordinal)
            && l.Contains("nothing sent for 1000 ms", StringComparison.Ordinal)));
    }

    [Test]
    public async Task NodeWideSendQueueCap_ClosesTheLargestQueueWith1011_BeforeItsOwnBudgetOrStallTimeout()
    {
        // Per socket: 16 MiB and 60 s, out of reach here; all sockets together: 2 MiB.
        await using var server = await TestServer.StartAsync(
            "--Kuzzle:Limits:SendQueueTotalBytes=2097152", "--Kuzzle:Server:WebSocket:SendStallTimeout=60000");
        await StalledBesideReadingAsync(server, server);
        Assert.That(server.Services.GetRequiredService<Kuzzle.Realtime.Server.Network.WebSockets.SendQueueBudget>().Queued, Is.Zero);
    }

    [Test]
    public void SendQueueFrames_IsAcceptedAndIgnored_WithAWarning()
    {
        var options = new Kuzzle.Realtime.Server.Configuration.KuzzleOptions();
        options.Server.WebSocket.SendQueueFrames = 50;
        var settings = Kuzzle.Realtime.Server.Configuration.EffectiveSettings.Create(options, out var errors);
        Assert.That(errors, Is.Empty);
        Assert.That(settings.Warnings, Has.One.Contains("SendQueueFrames is ignored"));
        Assert.That(Kuzzle.Realtime.Server.Configuration.EffectiveSettings.Create(new(), out _).Warnings, Is.Empty);
    }

    // What a closed slow socket got before its close frame is whole and unduplicated, and the close is a real 1011 frame.
    private static void AssertClosedAsTooSlow(FrameLedger stalled)
    {
        Assert.Multiple(() =>
        {
            Assert.That(stalled.CloseFrameReceived, Is.True, stalled.State);
            Assert.That(stalled.CloseStatus, Is.EqualTo(WebSocketCloseStatus.InternalServerError));
            Assert.That(stalled.CloseDescription, Is.EqualTo("too much backpressure: client is too slow"));
            Assert.That(stalled.Duplicates, Is.Zero);
        });
    }
}

using Kuzzle.Realtime.Server.Diagnostics;
using Kuzzle.Realtime.Tests.Support;
using static Kuzzle.Realtime.Tests.Integration.BurstDeliveryTests;

namespace Kuzzle.Realtime.Tests.Cluster;

/// <summary>
/// The burst tests of <see cref="Integration.BurstDeliveryTests"/> across two nodes sharing a real redis-server: publishes pipelined on
/// node A, subscribers on node B (and on both), every notification exactly once, a stalled subscriber closed with 1011 without
/// costing the reading ones anything.
/// </summary>
[TestFixture]
[Category("Redis")]
[Category("Cluster")]
[NonParallelizable]
public sealed class ClusterBurstTests
{
    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private static async Task<(TestServer A, TestServer B)> StartTwoNodesAsync(RedisServer redis, params string[] extraArgs)
    {
        var a = await TestServer.StartAsync(["--redis", redis.ConnectionString, "--node-id", "burst-a", .. extraArgs]);
        var b = await TestServer.StartAsync(["--redis", redis.ConnectionString, "--node-id", "burst-b", .. extraArgs]);
        return (a, b);
    }

    [Test]
    public async Task SubscriberOnTwentyRoomsOfNodeB_GetsEveryNotificationOfAThousandPublishesPipelinedOnNodeA()
    {
        await using var redis = await RedisServer.StartAsync();
        var (a, b) = await StartTwoNodesAsync(redis);
        await using var nodeA = a;
        await using var nodeB = b;
        var index = Unique("xburst");
        await using var subscriber = await FrameLedger.ConnectAsync(nodeB.WebSocketUri);
        await using var publisher = await FrameLedger.ConnectAsync(nodeA.WebSocketUri);
        var channels = await SubscribeRoomsAsync(subscriber, index, 20);

        await PipelinePublishesAsync(publisher, index, 1000);
        await subscriber.WaitForAsync(l => l.NotificationCount >= 20_000, "20,000 notifications across nodes");

        AssertAllExactlyOnce(subscriber, channels, 1000);
        Assert.That(nodeB.Services.GetRequiredService<ApiMetrics>().SlowConsumersClosed, Is.Zero);
    }

    [Test]
    public async Task TwentySubscribersOnTwoNodes_GetEveryNotificationOfFiveHundredPublishesPipelinedOnNodeA()
    {
        await using var redis = await RedisServer.StartAsync();
        var (a, b) = await StartTwoNodesAsync(redis);
        await using var nodeA = a;
        await using var nodeB = b;
        var index = Unique("xburst");
        var subscribers = new List<(FrameLedger Ledger, List<string> Channels)>();
        try
        {
            for (var s = 0; s < 20; s++)
            {
                var ledger = await FrameLedger.ConnectAsync((s % 2 == 0 ? nodeA : nodeB).WebSocketUri);
                subscribers.Add((ledger, await SubscribeRoomsAsync(ledger, index, 10)));
            }

            await using var publisher = await FrameLedger.ConnectAsync(nodeA.WebSocketUri);
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
    public async Task StalledSubscriberOnNodeB_IsClosedWith1011_WhileTheReadingOneOnNodeBGetsEverything()
    {
        await using var redis = await RedisServer.StartAsync();
        var (a, b) = await StartTwoNodesAsync(redis, "--Kuzzle:Server:WebSocket:SendQueueBytes=2097152");
        await using var nodeA = a;
        await using var nodeB = b;
        await StalledBesideReadingAsync(subscriberNode: nodeB, publisherNode: nodeA);
    }
}

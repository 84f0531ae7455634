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
        await OneSubscriberOnTwentyRoomsAsync(subscriberNode: nodeB, publisherNode: nodeA);
    }

    [Test]
    public async Task TwentySubscribersOnTwoNodes_GetEveryNotificationOfFiveHundredPublishesPipelinedOnNodeA()
    {
        await using var redis = await RedisServer.StartAsync();
        var (a, b) = await StartTwoNodesAsync(redis);
        await using var nodeA = a;
        await using var nodeB = b;
        await TwentySubscribersOnTenRoomsAsync(s => s % 2 == 0 ? nodeA : nodeB, publisherNode: nodeA);
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

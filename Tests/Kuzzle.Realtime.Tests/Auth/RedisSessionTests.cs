using System.Diagnostics;
using System.Text.Json;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Auth;

/// <summary>Sessions in Redis: two nodes on one real redis-server share the secret, the sessions and their revocation.</summary>
[TestFixture]
[Category("Redis")]
public sealed class RedisSessionTests
{
    private RedisServer _redis = null!;
    private TestServer _nodeA = null!;
    private TestServer _nodeB = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _redis = await RedisServer.StartAsync();
        _nodeA = await TestServer.StartAsync("--redis", _redis.ConnectionString, "--node-id", "node-a");
        _nodeB = await TestServer.StartAsync("--redis", _redis.ConnectionString, "--node-id", "node-b");
        await TestUsers.CreateAsync(_nodeA, "shared-kuid", "shared", "password", "default");
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Test]
    public async Task A_token_from_one_node_works_on_the_other_and_logout_there_ends_it_here()
    {
        await using var onA = await _nodeA.ConnectAsync();
        await using var onB = await _nodeB.ConnectAsync();
        var jwt = await TestUsers.LoginAsync(onA, "shared", "password");
        Assert.That(await Status(onA, jwt), Is.EqualTo(200)); // cached on A from now on

        var me = await onB.RequestAsync($$"""{"controller":"auth","action":"getCurrentUser","jwt":"{{jwt}}","requestId":"me"}""");
        Assert.That(me.GetProperty("result").GetProperty("_id").GetString(), Is.EqualTo("shared-kuid"));

        await onB.RequestAsync($$"""{"controller":"auth","action":"logout","jwt":"{{jwt}}","requestId":"out"}""");

        // Node A holds the token in its cache: the revocation must reach it through Redis well before the cache would expire.
        var clock = Stopwatch.StartNew();
        while (await Status(onA, jwt) == 200 && clock.ElapsedMilliseconds < 2000)
        {
            await Task.Delay(10);
        }

        Assert.That(await Status(onA, jwt), Is.EqualTo(401));
        Assert.That(clock.ElapsedMilliseconds, Is.LessThan(2000), "revocation reached the other node through the change feed");
    }

    [Test]
    public async Task Both_nodes_sign_with_the_one_generated_secret()
    {
        await using var onB = await _nodeB.ConnectAsync();
        var jwt = await TestUsers.LoginAsync(onB, "shared", "password");
        await using var onA = await _nodeA.ConnectAsync();

        Assert.That(await Status(onA, jwt), Is.EqualTo(200));
    }

    private static async Task<int> Status(WsClient client, string jwt)
    {
        var response = await client.RequestAsync($$"""{"controller":"server","action":"now","jwt":"{{jwt}}","requestId":"{{Guid.NewGuid():N}}"}""");
        return response.GetProperty("status").GetInt32();
    }
}

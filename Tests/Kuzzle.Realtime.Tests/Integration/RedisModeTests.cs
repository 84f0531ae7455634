using System.Text.Json;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Integration;

/// <summary>The server with <c>--redis</c> against a real redis-server: shared state lives there, and its loss is visible, not fatal.</summary>
[TestFixture]
[Category("Redis")]
public sealed class RedisModeTests
{
    [Test]
    public async Task WithRedis_HealthCheckReportsItAsTheInternalCache_AndTurnsRedWhenItStops()
    {
        var redis = await RedisServer.StartAsync();
        await using var server = await TestServer.StartAsync("--redis", redis.ConnectionString);
        await using var ws = await server.ConnectAsync();

        var healthy = await ws.RequestAsync("""{"controller":"server","action":"healthCheck","requestId":"h1"}""");
        Assert.That(healthy.GetProperty("result").GetProperty("services").GetProperty("internalCache").GetString(), Is.EqualTo("green"));
        var info = await ws.RequestAsync("""{"controller":"server","action":"info","requestId":"i1"}""");
        Assert.That(info.GetProperty("result").GetProperty("serverInfo").GetProperty("services").GetProperty("internalCache").GetProperty("backend").GetString(), Is.EqualTo("redis"));

        await redis.DisposeAsync();
        var degraded = await ws.RequestAsync("""{"controller":"server","action":"healthCheck","requestId":"h2"}""");
        Assert.Multiple(() =>
        {
            Assert.That(degraded.GetProperty("status").GetInt32(), Is.EqualTo(500));
            Assert.That(degraded.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("core.fatal.service_unavailable"));
            Assert.That(degraded.GetProperty("result").GetProperty("services").GetProperty("internalCache").GetString(), Is.EqualTo("red"));
            Assert.That(degraded.GetProperty("result").GetProperty("status").GetString(), Is.EqualTo("red"));
        });

        // The node keeps serving what does not need Redis.
        var now = await ws.RequestAsync("""{"controller":"server","action":"now","requestId":"n1"}""");
        Assert.That(now.GetProperty("status").GetInt32(), Is.EqualTo(200));
        var services = await ws.RequestAsync("""{"controller":"server","action":"healthCheck","services":"storageEngine","requestId":"h3"}""");
        Assert.That(services.GetProperty("result").GetProperty("services").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "storageEngine" }));
        Assert.That(services.GetProperty("error").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task RedisDownAtStartup_DoesNotStopTheNode()
    {
        var redis = await RedisServer.StartAsync();
        var connection = redis.ConnectionString;
        await redis.DisposeAsync();
        await using var server = await TestServer.StartAsync("--redis", connection);
        using var http = server.CreateHttpClient();
        using var probe = await http.GetAsync("/_healthcheck");
        Assert.That((int)probe.StatusCode, Is.EqualTo(200));

        // Rights live in Redis: until it answers, API requests fail closed instead of being allowed.
        using var response = await http.GetAsync("/_now");
        Assert.That((int)response.StatusCode, Is.EqualTo(503));

        // The local strategy, whose credentials live in Redis, is listed at once and becomes usable when Redis is back.
        var registry = server.Services.GetRequiredService<Kuzzle.Realtime.Server.Security.Strategies.StrategyRegistry>();
        Assert.That(registry.Names, Is.EqualTo(new[] { "local" }));
        Assert.That(registry.TryGet("local", out _), Is.False);
        await using var back = await RedisServer.StartAsync(redis.Port);
        await WebSocketLimitsTests.WaitUntilAsync(() => registry.TryGet("local", out _), 15_000);
        Assert.That(registry.TryGet("local", out _), Is.True);

        // The built-in roles are seeded once Redis answers, and requests are served again.
        var served = false;
        for (var i = 0; i < 100 && !served; i++)
        {
            using var again = await http.GetAsync("/_now");
            served = (int)again.StatusCode == 200;
            if (!served)
            {
                await Task.Delay(100);
            }
        }

        Assert.That(served, Is.True);
    }
}

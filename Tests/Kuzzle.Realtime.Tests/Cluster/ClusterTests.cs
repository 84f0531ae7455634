using System.Diagnostics;
using System.Text.Json;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Cluster;

/// <summary>
/// Several server nodes as separate processes sharing one real redis-server, with clients on different nodes (issue 7).
/// Nodes run with a 300 ms heartbeat and a 1.5 s node TTL so departures show quickly.
/// </summary>
[TestFixture]
[Category("Redis")]
[Category("Cluster")]
[NonParallelizable]
public sealed class ClusterTests
{
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(5);

    [Test]
    public async Task Publish_on_one_node_reaches_every_matching_subscriber_on_every_node_exactly_once()
    {
        await using var redis = await RedisServer.StartAsync();
        var nodes = await StartNodesAsync(redis.Port, "n1", "n2", "n3");
        await using var _ = new Nodes(nodes);
        var subscribers = new List<WsClient>();
        string? roomId = null;
        foreach (var node in nodes)
        {
            var client = await node.ConnectAsync();
            subscribers.Add(client);
            var subscribed = await Request(client, """{"controller":"realtime","action":"subscribe","index":"i","collection":"fan","body":{"equals":{"kind":"x"}}}""");
            var id = subscribed.GetProperty("result").GetProperty("roomId").GetString();
            Assert.That(roomId is null || id == roomId, Is.True, "room ids are derived from the filter, identical on every node");
            roomId = id;
        }

        await using var publisher = await nodes[1].ConnectAsync();
        Assert.That(await WaitForCountAsync(publisher, roomId!, 3), Is.True, "count over the whole cluster");
        var collectors = subscribers.Select(s => new NotificationCollector(s)).ToList();

        const int Messages = 300;
        for (var seq = 0; seq < Messages; seq++)
        {
            await Request(publisher, $$$"""{"controller":"realtime","action":"publish","index":"i","collection":"fan","body":{"kind":"x","seq":{{{seq}}}}}""");
            if (seq % 10 == 0)
            {
                await Request(publisher, """{"controller":"realtime","action":"publish","index":"i","collection":"fan","body":{"kind":"y","seq":-1}}""");
            }
        }

        foreach (var collector in collectors)
        {
            await collector.WaitForAsync(c => c.Sequences().Count >= Messages, Propagation);
        }

        await Task.Delay(300); // duplicates, if any, would arrive now
        var list = await Request(publisher, """{"controller":"realtime","action":"list"}""");
        var slow = new List<long>();
        foreach (var node in nodes)
        {
            slow.Add(await node.MetricAsync("kuzzle_slow_consumers_closed_total"));
        }

        Assert.Multiple(() =>
        {
            for (var i = 0; i < collectors.Count; i++)
            {
                var received = collectors[i].Sequences();
                Assert.That(received, Is.EqualTo(Enumerable.Range(0, Messages).Select(n => (long)n)), $"subscriber on {nodes[i].NodeId}: every message once, in order (collector {collectors[i].State}, slow consumers closed there {slow[i]})");
            }

            Assert.That(list.GetProperty("result").GetProperty("i").GetProperty("fan").GetProperty(roomId!).GetInt32(), Is.EqualTo(3));
        });

        foreach (var collector in collectors)
        {
            await collector.DisposeAsync();
        }

        foreach (var client in subscribers)
        {
            await client.DisposeAsync();
        }
    }

    [Test]
    public async Task A_node_frozen_by_a_busy_machine_loses_no_cross_node_message_at_the_default_send_queue()
    {
        // A node that gets no CPU for a while receives what was published meanwhile as one burst from Redis. That burst must not
        // overflow its subscribers' send queues (50 frames by default): they are reading, only the node was late.
        await using var redis = await RedisServer.StartAsync();
        var nodes = await StartNodesAsync(redis.Port, "f1", "f2");
        await using var _ = new Nodes(nodes);
        await using var subscriber = await nodes[0].ConnectAsync();
        var sub = await Request(subscriber, """{"controller":"realtime","action":"subscribe","index":"i","collection":"frozen","body":{}}""");
        var roomId = sub.GetProperty("result").GetProperty("roomId").GetString()!;
        await using var publisher = await nodes[1].ConnectAsync();
        Assert.That(await WaitForCountAsync(publisher, roomId, 1), Is.True);
        await using var collector = new NotificationCollector(subscriber);

        const int Messages = 600;
        var freeze = Task.CompletedTask;
        for (var seq = 0; seq < Messages; seq++)
        {
            if (seq == 50)
            {
                freeze = nodes[0].FreezeAsync(TimeSpan.FromMilliseconds(700));
            }

            await Request(publisher, $$$"""{"controller":"realtime","action":"publish","index":"i","collection":"frozen","body":{"seq":{{{seq}}}}}""");
        }

        await freeze;
        await collector.WaitForAsync(c => c.Sequences().Count >= Messages, Propagation);
        var received = collector.Sequences();
        var slow = await nodes[0].MetricAsync("kuzzle_slow_consumers_closed_total");
        Assert.That(
            received, Is.EqualTo(Enumerable.Range(0, Messages).Select(n => (long)n)),
            $"every message once, in order (collector {collector.State}, slow consumers closed {slow})");
    }

    [Test]
    public async Task User_notifications_and_join_work_across_nodes_with_cluster_wide_counts()
    {
        await using var redis = await RedisServer.StartAsync();
        var nodes = await StartNodesAsync(redis.Port, "u1", "u2");
        await using var _ = new Nodes(nodes);
        await using var watcher = await nodes[0].ConnectAsync();
        var subscribed = await Request(watcher, """{"controller":"realtime","action":"subscribe","index":"i","collection":"users","users":"all","body":{}}""");
        var roomId = subscribed.GetProperty("result").GetProperty("roomId").GetString()!;
        await using var joiner = await nodes[1].ConnectAsync();
        Assert.That(await WaitForCountAsync(joiner, roomId, 1), Is.True);
        await using var collector = new NotificationCollector(watcher);

        // The room exists only on u1: u2 creates it from the filter u1 advertises.
        var joined = await Request(joiner, $$$"""{"controller":"realtime","action":"join","body":{"roomId":"{{{roomId}}}"},"volatile":{"who":"joiner"}}""");
        Assert.That(joined.GetProperty("status").GetInt32(), Is.EqualTo(200), joined.ToString());
        Assert.That(await collector.WaitForAsync(c => c.UserNotifications().Count >= 1, Propagation), Is.True, "in notification from the other node");
        await Request(joiner, $$$"""{"controller":"realtime","action":"unsubscribe","body":{"roomId":"{{{roomId}}}"}}""");
        Assert.That(await collector.WaitForAsync(c => c.UserNotifications().Count >= 2, Propagation), Is.True, "out notification from the other node");

        var notes = collector.UserNotifications();
        Assert.Multiple(() =>
        {
            Assert.That(notes[0].GetProperty("user").GetString(), Is.EqualTo("in"));
            Assert.That(notes[0].GetProperty("action").GetString(), Is.EqualTo("join"));
            Assert.That(notes[0].GetProperty("result").GetProperty("count").GetInt32(), Is.EqualTo(2), "count over both nodes");
            Assert.That(notes[0].GetProperty("volatile").GetProperty("who").GetString(), Is.EqualTo("joiner"));
            Assert.That(notes[1].GetProperty("user").GetString(), Is.EqualTo("out"));
            Assert.That(notes[1].GetProperty("result").GetProperty("count").GetInt32(), Is.EqualTo(1));
            Assert.That(notes, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task A_token_issued_on_one_node_works_on_another_and_its_revocation_reaches_it_quickly()
    {
        await using var redis = await RedisServer.StartAsync();
        var nodes = await StartNodesAsync(redis.Port, "t1", "t2");
        await using var _ = new Nodes(nodes);
        await using var a = await nodes[0].ConnectAsync();
        await using var b = await nodes[1].ConnectAsync();
        var admin = await Request(a, """{"controller":"security","action":"createFirstAdmin","_id":"root","body":{"content":{},"credentials":{"local":{"username":"root","password":"secret-pw"}}}}""");
        Assert.That(admin.GetProperty("status").GetInt32(), Is.EqualTo(200), admin.ToString());
        var jwt = await TestUsers.LoginAsync(a, "root", "secret-pw");

        var me = await Request(b, $$"""{"controller":"auth","action":"getCurrentUser","jwt":"{{jwt}}"}""");
        Assert.That(me.GetProperty("result").GetProperty("_id").GetString(), Is.EqualTo("root"), me.ToString());
        var subscribed = await Request(b, $$"""{"controller":"realtime","action":"subscribe","index":"i","collection":"tok","body":{},"jwt":"{{jwt}}"}""");
        var roomId = subscribed.GetProperty("result").GetProperty("roomId").GetString()!;
        Assert.That(await WaitForCountAsync(a, roomId, 1, jwt), Is.True);

        await using var checker = await nodes[1].ConnectAsync();
        var watch = Stopwatch.StartNew();
        var logout = await Request(a, $$"""{"controller":"auth","action":"logout","jwt":"{{jwt}}","global":true}""");
        Assert.That(logout.GetProperty("status").GetInt32(), Is.EqualTo(200), logout.ToString());
        var revokedAfter = TimeSpan.MaxValue;
        while (watch.Elapsed < TimeSpan.FromSeconds(5))
        {
            var check = await Request(checker, $$"""{"controller":"auth","action":"getCurrentUser","jwt":"{{jwt}}"}""");
            if (check.GetProperty("status").GetInt32() == 401)
            {
                revokedAfter = watch.Elapsed;
                break;
            }
        }

        TestContext.Out.WriteLine($"revocation seen on the other node after {revokedAfter.TotalMilliseconds:F1} ms (target 100 ms on loopback)");
        Assert.That(revokedAfter, Is.LessThan(TimeSpan.FromSeconds(1)), "revocation propagation (generous bound; target is 100 ms)");

        // The socket authenticated on t2 with that token lost its subscription there.
        await using var anonymous = await nodes[0].ConnectAsync();
        Assert.That(await WaitForCountAsync(anonymous, roomId, 0), Is.True, "subscription of the revoked token dropped on the other node");
    }

    [Test]
    public async Task A_role_or_profile_changed_on_one_node_changes_rights_on_another_within_a_bounded_delay()
    {
        await using var redis = await RedisServer.StartAsync();
        var nodes = await StartNodesAsync(redis.Port, "g1", "g2");
        await using var _ = new Nodes(nodes);
        await using var a = await nodes[0].ConnectAsync();
        await using var b = await nodes[1].ConnectAsync();
        Ok(await Request(a, """{"controller":"security","action":"createFirstAdmin","_id":"root","body":{"content":{},"credentials":{"local":{"username":"root","password":"secret-pw"}}}}"""));
        var admin = await TestUsers.LoginAsync(a, "root", "secret-pw");
        Ok(await Request(a, WithJwt("""{"controller":"security","action":"createRole","_id":"rt-publish","body":{"controllers":{"realtime":{"actions":{"publish":true}}}}}""", admin)));
        Ok(await Request(a, WithJwt("""{"controller":"security","action":"createRole","_id":"rt-none","body":{"controllers":{"auth":{"actions":{"getCurrentUser":true}}}}}""", admin)));
        Ok(await Request(a, WithJwt("""{"controller":"security","action":"createProfile","_id":"rt-profile","body":{"policies":[{"roleId":"rt-publish"}]}}""", admin)));
        Ok(await Request(a, WithJwt("""{"controller":"security","action":"createUser","_id":"alice","body":{"content":{"profileIds":["rt-profile"]},"credentials":{"local":{"username":"alice","password":"alice-pw-1"}}}}""", admin)));
        var alice = await TestUsers.LoginAsync(b, "alice", "alice-pw-1");
        var now = $$"""{"controller":"server","action":"now","jwt":"{{alice}}"}""";
        var publish = $$"""{"controller":"realtime","action":"publish","index":"i","collection":"rights","body":{},"jwt":"{{alice}}"}""";
        Assert.That(Status(await Request(b, publish)), Is.EqualTo(200), "allowed by rt-publish");
        Assert.That(Status(await Request(b, now)), Is.EqualTo(403), "not granted yet");

        // Role widened on g1: g2 allows server:now.
        Ok(await Request(a, WithJwt("""{"controller":"security","action":"updateRole","_id":"rt-publish","body":{"controllers":{"realtime":{"actions":{"publish":true}},"server":{"actions":{"now":true}}}}}""", admin)));
        var granted = await TimeUntilStatusAsync(b, now, 200);

        // Role narrowed on g1: g2 refuses realtime:publish.
        Ok(await Request(a, WithJwt("""{"controller":"security","action":"updateRole","_id":"rt-publish","body":{"controllers":{"server":{"actions":{"now":true}}}}}""", admin)));
        var narrowed = await TimeUntilStatusAsync(b, publish, 403);

        // Profile moved to a role without server:now on g1: g2 refuses it.
        Ok(await Request(a, WithJwt("""{"controller":"security","action":"updateProfile","_id":"rt-profile","body":{"policies":[{"roleId":"rt-none"}]}}""", admin)));
        var profiled = await TimeUntilStatusAsync(b, now, 403);

        TestContext.Out.WriteLine($"rights seen on the other node after: role widened {granted.TotalMilliseconds:F1} ms, role narrowed {narrowed.TotalMilliseconds:F1} ms, profile changed {profiled.TotalMilliseconds:F1} ms");
        Assert.Multiple(() =>
        {
            Assert.That(granted, Is.LessThan(TimeSpan.FromSeconds(1)), "role widened (generous bound; target 100 ms)");
            Assert.That(narrowed, Is.LessThan(TimeSpan.FromSeconds(1)), "role narrowed");
            Assert.That(profiled, Is.LessThan(TimeSpan.FromSeconds(1)), "profile changed");
        });
    }

    [Test]
    public async Task A_dead_node_leaves_no_ghost_subscribers()
    {
        await using var redis = await RedisServer.StartAsync();
        var nodes = await StartNodesAsync(redis.Port, "d1", "d2");
        await using var _ = new Nodes(nodes);
        await using var victim1 = await nodes[1].ConnectAsync();
        await using var victim2 = await nodes[1].ConnectAsync();
        await using var survivor = await nodes[0].ConnectAsync();
        string roomId = "";
        foreach (var client in new[] { victim1, victim2, survivor })
        {
            var r = await Request(client, """{"controller":"realtime","action":"subscribe","index":"i","collection":"ghost","body":{}}""");
            roomId = r.GetProperty("result").GetProperty("roomId").GetString()!;
        }

        await using var observer = await nodes[0].ConnectAsync();
        Assert.That(await WaitForCountAsync(observer, roomId, 3), Is.True);
        var killed = Stopwatch.StartNew();
        await nodes[1].KillAsync();
        Assert.That(await WaitForCountAsync(observer, roomId, 1, timeout: TimeSpan.FromSeconds(6)), Is.True, "the dead node's 2 subscribers expire (node TTL 1.5 s)");
        TestContext.Out.WriteLine($"dead node's subscribers gone after {killed.ElapsedMilliseconds} ms");
        Assert.That(nodes[0].IsRunning, Is.True);
    }

    [Test]
    public async Task Redis_killed_and_restarted_under_load_nodes_survive_and_cross_node_delivery_resumes_without_duplicates()
    {
        var aof = Directory.CreateTempSubdirectory("kuzzle-aof-").FullName;
        var redis = await RedisServer.StartPersistentAsync(aof);
        var port = redis.Port;
        // The buffered publishes arrive as one burst after recovery; the receiving node paces it on the subscriber's send queue, which
        // keeps its default size (50 frames): a reading subscriber is not closed as a slow consumer.
        var nodes = await StartNodesAsync(port, "r1", "r2");
        await using var _ = new Nodes(nodes);
        await using var subscriber = await nodes[1].ConnectAsync();
        var sub = await Request(subscriber, """{"controller":"realtime","action":"subscribe","index":"i","collection":"load","body":{}}""");
        var roomId = sub.GetProperty("result").GetProperty("roomId").GetString()!;
        await using var publisher = await nodes[0].ConnectAsync();
        Assert.That(await WaitForCountAsync(publisher, roomId, 1), Is.True);
        await using var collector = new NotificationCollector(subscriber);
        await Task.Delay(1200); // let AOF everysec flush what setup wrote

        var acknowledged = new List<long>();
        var failed = 0;
        var seq = 0L;
        async Task PublishForAsync(TimeSpan duration)
        {
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < duration)
            {
                var response = await Request(publisher, $$$"""{"controller":"realtime","action":"publish","index":"i","collection":"load","body":{"seq":{{{seq}}}}}""");
                if (response.GetProperty("status").GetInt32() == 200)
                {
                    acknowledged.Add(seq);
                }
                else
                {
                    failed++;
                }

                seq++;
                await Task.Delay(5);
            }
        }

        await PublishForAsync(TimeSpan.FromSeconds(1));
        await redis.DisposeAsync(); // SIGKILL: a crash
        var during = await PublishDuringOutageChecksAsync(nodes, publisher, roomId);
        await PublishForAsync(TimeSpan.FromSeconds(1.5));
        await using var restarted = await RedisServer.StartPersistentAsync(aof, port);
        await PublishForAsync(TimeSpan.FromSeconds(4));
        var lastAcknowledged = acknowledged.Count == 0 ? -1 : acknowledged[^1];
        await collector.WaitForAsync(c => c.Sequences().Contains(lastAcknowledged), TimeSpan.FromSeconds(10));
        await Task.Delay(300);

        var received = collector.Sequences();
        var dropped = await nodes[0].MetricAsync("kuzzle_cluster_publish_dropped_total");
        var lost = acknowledged.Except(received).Count();
        TestContext.Out.WriteLine(
            $"r1 sent {await nodes[0].MetricAsync("kuzzle_cluster_sent_total")} buffered {await nodes[0].MetricAsync("kuzzle_cluster_buffered")}, "
            + $"r2 received {await nodes[1].MetricAsync("kuzzle_cluster_received_total")} resyncs {await nodes[1].MetricAsync("kuzzle_cluster_resyncs_total")}; "
            + $"subscriber {collector.State}, {subscriber.Socket.State}");
        TestContext.Out.WriteLine(
            $"published {seq}, acknowledged {acknowledged.Count}, refused {failed}, received {received.Count}, lost {lost}, reported dropped {dropped}; "
            + $"during outage: ready={during.ReadyStatus}, count error={during.CountError} in {during.CountMs} ms");
        Assert.Multiple(() =>
        {
            Assert.That(nodes.All(n => n.IsRunning), Is.True, "no node exits");
            Assert.That(received, Is.Unique, "never delivered twice");
            Assert.That(received, Is.Ordered, "order kept");
            Assert.That(lost, Is.LessThanOrEqualTo(dropped), "every acknowledged publish that was not delivered is counted as dropped");
            Assert.That(received, Does.Contain(lastAcknowledged), "delivery resumed after recovery");
            Assert.That(collector.State, Is.EqualTo("reading"), "the replay burst did not close the subscriber");
            Assert.That(during.ReadyStatus, Is.EqualTo(503), "readiness reflects the outage");
            Assert.That(during.CountError, Is.EqualTo("services.cache.not_connected"));
            Assert.That(during.CountMs, Is.LessThan(1000), "fails fast");
        });
        var (ready, _) = await nodes[0].GetAsync("/_ready");
        Assert.That(ready, Is.EqualTo(200));
        Assert.That(await WaitForCountAsync(publisher, roomId, 1), Is.True, "room counts rewritten after recovery");
        try
        {
            Directory.Delete(aof, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<(int ReadyStatus, string? CountError, long CountMs)> PublishDuringOutageChecksAsync(
        ClusterNode[] nodes, WsClient client, string roomId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        var ready = 200;
        while (DateTime.UtcNow < deadline && (ready = (await nodes[0].GetAsync("/_ready")).Status) == 200)
        {
            await Task.Delay(20);
        }

        var watch = Stopwatch.StartNew();
        var count = await Request(client, $$$"""{"controller":"realtime","action":"count","body":{"roomId":"{{{roomId}}}"}}""");
        var error = count.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e.GetProperty("id").GetString() : null;
        return (ready, error, watch.ElapsedMilliseconds);
    }

    /// <summary>Repeats a request until it answers the status; returns how long that took (MaxValue if it never did in 5 s).</summary>
    private static async Task<TimeSpan> TimeUntilStatusAsync(WsClient client, string json, int status)
    {
        var watch = Stopwatch.StartNew();
        JsonElement last = default;
        while (watch.Elapsed < Propagation)
        {
            last = await Request(client, json);
            if (Status(last) == status)
            {
                return watch.Elapsed;
            }
        }

        TestContext.Out.WriteLine($"still no {status} after {Propagation.TotalSeconds} s; last response: {last}");
        return TimeSpan.MaxValue;
    }

    private static string WithJwt(string json, string jwt) => json.Insert(1, $"\"jwt\":\"{jwt}\",");

    private static int Status(JsonElement response) => response.GetProperty("status").GetInt32();

    private static void Ok(JsonElement response) => Assert.That(Status(response), Is.EqualTo(200), response.ToString());

    private static Task<ClusterNode[]> StartNodesAsync(int redisPort, params string[] ids) => StartNodesAsync(redisPort, ids, []);

    private static async Task<ClusterNode[]> StartNodesAsync(int redisPort, string[] ids, params string[] extraArgs) =>
        await Task.WhenAll(ids.Select(id => ClusterNode.StartAsync(redisPort, id, extraArgs)));

    private static async Task<bool> WaitForCountAsync(WsClient client, string roomId, int expected, string? jwt = null, TimeSpan? timeout = null)
    {
        var auth = jwt is null ? "" : $",\"jwt\":\"{jwt}\"";
        var deadline = DateTime.UtcNow + (timeout ?? Propagation);
        while (DateTime.UtcNow < deadline)
        {
            var r = await Request(client, $$"""{"controller":"realtime","action":"count","body":{"roomId":"{{roomId}}"}{{auth}}}""");
            if (r.GetProperty("status").GetInt32() == 200 && r.GetProperty("result").GetProperty("count").GetInt32() == expected)
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }

    private static Task<JsonElement> Request(WsClient client, string json)
    {
        var id = Guid.NewGuid().ToString("N");
        return client.RequestAsync(json.Insert(1, $"\"requestId\":\"{id}\","));
    }

    /// <summary>Disposes a set of nodes (reports their output when a test fails).</summary>
    private sealed class Nodes(ClusterNode[] nodes) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
            {
                foreach (var node in nodes)
                {
                    TestContext.Out.WriteLine($"--- {node.NodeId}:{Environment.NewLine}{node.Tail()}");
                }
            }

            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }
}

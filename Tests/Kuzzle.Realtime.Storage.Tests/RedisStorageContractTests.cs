using System.Diagnostics;
using System.Threading.Channels;
using Kuzzle.Realtime.Storage.Tests.Contract;

namespace Kuzzle.Realtime.Storage.Tests;

/// <summary>
/// The storage contract against a real redis-server started for this fixture (a unique key prefix per test), plus what only
/// a shared server can show: cross-node change feed, prefix isolation, and outages.
/// </summary>
[TestFixture]
public sealed class RedisStorageContractTests : StorageContract
{
    private static readonly RedisStorageOptions FastFailing = RedisStorageOptions.Default with
    {
        OperationTimeout = TimeSpan.FromSeconds(1),
        ConnectTimeout = TimeSpan.FromSeconds(1),
        ReconnectInterval = TimeSpan.FromMilliseconds(200),
    };

    private RedisServerProcess _server = null!;
    private string _prefix = null!;

    [OneTimeSetUp]
    public async Task StartRedis() => _server = await RedisServerProcess.StartAsync(CancellationToken.None);

    [OneTimeTearDown]
    public async Task StopRedis() => await _server.DisposeAsync();

    protected override async Task<IStorageProvider> CreateProviderAsync(ChangeFeedErrorHandler onHandlerError, TimeProvider? clock = null)
    {
        var prefix = $"test-{Guid.NewGuid():N}:";
        if (clock is not null)
        {
            return await ConnectAsync(prefix, onHandlerError, clock);
        }

        _prefix = prefix;
        return await ConnectAsync(prefix, onHandlerError);
    }

    /// <summary>Hygiene: once a test has disposed its subscriptions, none of its channels may still be subscribed in Redis.</summary>
    protected override async Task AssertNothingLeakedAsync()
    {
        await using var raw = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_server.ConnectionString);
        var channels = (StackExchange.Redis.RedisResult[])(await raw.GetDatabase().ExecuteAsync("PUBSUB", "CHANNELS", _prefix + "*"))!;
        Assert.That(channels.Select(c => c.ToString()), Is.Empty, "subscriptions still active after the test disposed them");
    }

    [Test]
    public void The_provider_is_named_redis() => Assert.That(Storage.Name, Is.EqualTo("redis"));

    [Test]
    public async Task Another_node_on_the_same_redis_sees_documents_sessions_and_counters()
    {
        await using var otherNode = await ConnectAsync(_prefix, ReportHandlerError);

        await Storage.Documents.CreateAsync("users", "alice", "{}", [new("profileIds", "admin")], Ct);
        await Storage.Sessions.AddAsync(new SessionRecord("t1", "alice", null, "{}"), Ct);
        await Storage.Counters.IncrementAsync("login:alice", TimeSpan.FromMinutes(1), Ct);

        Assert.That(await otherNode.Documents.CountByTermAsync("users", "profileIds", "admin", Ct), Is.EqualTo(1));
        Assert.That(await otherNode.Sessions.RemoveByUserAsync("alice", Ct), Is.EqualTo(new[] { "t1" }));
        Assert.That(await otherNode.Counters.IncrementAsync("login:alice", TimeSpan.FromMinutes(1), Ct), Is.EqualTo(2));
        Assert.That(await Storage.Sessions.GetAsync("t1", Ct), Is.Null);
    }

    [Test]
    public async Task The_change_feed_reaches_every_node_the_publisher_included()
    {
        await using var otherNode = await ConnectAsync(_prefix, ReportHandlerError);
        var here = Channel.CreateUnbounded<string>();
        var there = Channel.CreateUnbounded<string>();
        await using var localSubscription = await Storage.ChangeFeed.SubscribeAsync("token-revoked", Collect(here), Ct);
        await using var remoteSubscription = await otherNode.ChangeFeed.SubscribeAsync("token-revoked", Collect(there), Ct);

        await otherNode.ChangeFeed.PublishAsync("token-revoked", "from-other"u8.ToArray(), Ct);
        await Storage.ChangeFeed.PublishAsync("token-revoked", "from-here"u8.ToArray(), Ct);

        Assert.That(await TakeAsync(here, 2), Is.EqualTo(new[] { "from-other", "from-here" }));
        Assert.That(await TakeAsync(there, 2), Is.EqualTo(new[] { "from-other", "from-here" }));
    }

    [Test]
    public async Task Key_prefixes_isolate_deployments()
    {
        await using var otherDeployment = await ConnectAsync($"other-{Guid.NewGuid():N}:", ReportHandlerError);
        var received = Channel.CreateUnbounded<string>();
        await using var subscription = await Storage.ChangeFeed.SubscribeAsync("ch", Collect(received), Ct);

        await otherDeployment.Documents.CreateAsync("users", "alice", "{}", cancellationToken: Ct);
        await otherDeployment.Sessions.AddAsync(new SessionRecord("t1", "alice", null, "{}"), Ct);
        await otherDeployment.ChangeFeed.PublishAsync("ch", "elsewhere"u8.ToArray(), Ct);
        await Storage.ChangeFeed.PublishAsync("ch", "here"u8.ToArray(), Ct);

        Assert.That(await Storage.Documents.GetAsync("users", "alice", Ct), Is.Null);
        Assert.That(await Storage.Sessions.GetAsync("t1", Ct), Is.Null);
        Assert.That(await TakeAsync(received, 1), Is.EqualTo(new[] { "here" }));
    }

    [Test]
    public async Task Expired_and_deleted_data_leaves_no_key_behind()
    {
        var soon = DateTimeOffset.UtcNow.AddMilliseconds(300);
        await Storage.Sessions.AddAsync(new SessionRecord("t1", "kuid-1", soon, "{}"), Ct);
        await Storage.Sessions.AddAsync(new SessionRecord("t2", "kuid-1", DateTimeOffset.UtcNow.AddMilliseconds(100), "{}"), Ct);
        await Storage.Sessions.AddAsync(new SessionRecord("t3", "kuid-2", null, "{}"), Ct);
        await Storage.Sessions.SetExpiryAsync("t3", soon, Ct);
        await Storage.Counters.IncrementAsync("c", TimeSpan.FromMilliseconds(200), Ct);
        await Storage.Documents.CreateAsync("users", "u1", "{}", [new("profileIds", "admin")], Ct);
        await Storage.Documents.ReplaceAsync("users", "u1", "{}", terms: [new("profileIds", "default")], cancellationToken: Ct);
        await Storage.Documents.DeleteAsync("users", "u1", cancellationToken: Ct);

        await DelayUntilAsync(soon.AddMilliseconds(20));

        await using var raw = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_server.ConnectionString);
        var left = new List<string>();
        await foreach (var key in raw.GetServer(raw.GetEndPoints()[0]).KeysAsync(pattern: _prefix + "*"))
        {
            left.Add(key.ToString());
        }

        Assert.That(left, Is.Empty);
    }

    [Test]
    public async Task A_user_index_outlives_every_session_it_lists()
    {
        await Storage.Sessions.AddAsync(new SessionRecord("long", "kuid-1", DateTimeOffset.UtcNow.AddMinutes(5), "{}"), Ct);
        await Storage.Sessions.AddAsync(new SessionRecord("short", "kuid-1", DateTimeOffset.UtcNow.AddMilliseconds(100), "{}"), Ct);
        await Storage.Sessions.AddAsync(new SessionRecord("extended", "kuid-2", DateTimeOffset.UtcNow.AddMilliseconds(100), "{}"), Ct);
        await Storage.Sessions.SetExpiryAsync("extended", DateTimeOffset.UtcNow.AddMinutes(5), Ct);

        await DelayUntilAsync(DateTimeOffset.UtcNow.AddMilliseconds(150));

        Assert.That(await Storage.Sessions.RemoveByUserAsync("kuid-1", Ct), Is.EqualTo(new[] { "long" }));
        Assert.That(await Storage.Sessions.RemoveByUserAsync("kuid-2", Ct), Is.EqualTo(new[] { "extended" }));
    }

    [Test]
    public async Task Connecting_while_redis_is_down_succeeds_and_operations_fail_fast()
    {
        var stopwatch = Stopwatch.StartNew();
        // abortConnect=true in the string is overridden: connecting never throws because Redis is down.
        await using var storage = await RedisStorage.ConnectAsync($"127.0.0.1:{UnusedPort()},abortConnect=true", "p:", FastFailing, Ct);

        Assert.That(storage.IsConnected, Is.False);
        await AssertUnavailableAsync(() => storage.PingAsync(Ct));
        await AssertUnavailableAsync(() => storage.Documents.GetAsync("users", "alice", Ct));
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    [NonParallelizable]
    public async Task An_outage_fails_operations_fast_and_recovery_needs_no_restart()
    {
        var received = Channel.CreateUnbounded<string>();
        await using var subscription = await Storage.ChangeFeed.SubscribeAsync("ch", Collect(received), Ct);
        await Storage.Documents.CreateAsync("users", "alice", "{}", cancellationToken: Ct);

        await _server.StopAsync();
        try
        {
            await AssertUnavailableAsync(() => Storage.Documents.GetAsync("users", "alice", Ct));
            await AssertUnavailableAsync(() => Storage.Documents.ReplaceAsync("users", "alice", """{"v":2}""", cancellationToken: Ct));
            await AssertUnavailableAsync(() => Storage.Sessions.AddAsync(new SessionRecord("t1", "alice", null, "{}"), Ct));
            await AssertUnavailableAsync(() => Storage.Counters.IncrementAsync("k", TimeSpan.FromSeconds(1), Ct));
            await AssertUnavailableAsync(() => Storage.ChangeFeed.PublishAsync("ch", "lost"u8.ToArray(), Ct));
            await AssertUnavailableAsync(() => Storage.PingAsync(Ct));
            await AssertUnavailableAsync(() => Storage.ChangeFeed.SubscribeAsync("other", _ => ValueTask.CompletedTask, Ct));
        }
        finally
        {
            await _server.RestartAsync(Ct);
        }

        await WaitUntilReachableAsync(Storage);

        // The restarted server is empty (no persistence); scripts must be reloaded and subscriptions restored transparently.
        Assert.That(await Storage.Documents.GetAsync("users", "alice", Ct), Is.Null);
        Assert.That((await Storage.Documents.CreateAsync("users", "alice", "{}", cancellationToken: Ct)).Version, Is.EqualTo(1));
        Assert.That(await Storage.Counters.IncrementAsync("k", TimeSpan.FromSeconds(10), Ct), Is.EqualTo(1));
        await WaitForResubscriptionAsync(received);

        // The subscription attempted during the outage failed, so nothing may be left listening for it.
        await using var raw = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_server.ConnectionString);
        var numsub = (StackExchange.Redis.RedisResult[])(await raw.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", _prefix + "feed:other", _prefix + "feed:ch"))!;
        Assert.That(((long)numsub[1], (long)numsub[3]), Is.EqualTo((0L, 1L)));
    }

    [Test]
    [NonParallelizable]
    public async Task A_stalled_redis_times_out_within_the_operation_timeout()
    {
        await Storage.Documents.CreateAsync("users", "alice", "{}", cancellationToken: Ct);

        await _server.SignalAsync(freeze: true);
        try
        {
            await AssertUnavailableAsync(() => Storage.Documents.GetAsync("users", "alice", Ct));
            await AssertUnavailableAsync(() => Storage.Sessions.GetAsync("t1", Ct));
        }
        finally
        {
            await _server.SignalAsync(freeze: false);
        }

        await WaitUntilReachableAsync(Storage);
        Assert.That(await Storage.Documents.GetAsync("users", "alice", Ct), Is.Not.Null);
    }

    private static async Task AssertUnavailableAsync(Func<Task> operation)
    {
        var stopwatch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<StorageUnavailableException>(() => operation());
        Assert.That(stopwatch.Elapsed, Is.LessThan(FastFailing.OperationTimeout + TimeSpan.FromSeconds(1)));
    }

    private static async Task WaitUntilReachableAsync(IStorageProvider storage)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await storage.PingAsync(Ct);
                return;
            }
            catch (StorageUnavailableException) when (deadline.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(100, Ct);
            }
        }
    }

    private async Task WaitForResubscriptionAsync(Channel<string> received)
    {
        // Re-subscription follows reconnection closely but not atomically: publish until a message arrives.
        var deadline = Stopwatch.StartNew();
        while (!received.Reader.TryPeek(out _))
        {
            Assert.That(deadline.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "the subscription did not come back");
            await Storage.ChangeFeed.PublishAsync("ch", "after"u8.ToArray(), Ct);
            await Task.Delay(50, Ct);
        }

        Assert.That(await TakeAsync(received, 1), Is.EqualTo(new[] { "after" }));
    }

    private async Task<RedisStorage> ConnectAsync(string prefix, ChangeFeedErrorHandler onHandlerError, TimeProvider? clock = null)
        => await RedisStorage.ConnectAsync(
            _server.ConnectionString,
            prefix,
            FastFailing with { OnChangeFeedHandlerError = onHandlerError, TimeProvider = clock ?? TimeProvider.System },
            Ct);

    private static int UnusedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

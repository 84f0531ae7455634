using Kuzzle.Realtime.Storage.Tests;
using System.Diagnostics;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Storage;

namespace Kuzzle.Realtime.Security.Store.Tests;

/// <summary>The security store contract on a real redis-server, plus what needs two nodes: cross-node invalidation and outages.</summary>
[TestFixture]
[NonParallelizable]
public sealed class RedisSecurityStoreTests : SecurityStoreContract
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

    protected override async Task<IStorageProvider> CreateProviderAsync()
    {
        _prefix = $"test-{Guid.NewGuid():N}:";
        return await RedisStorage.ConnectAsync(_server.ConnectionString, _prefix, FastFailing, Ct);
    }

    [Test]
    public async Task A_write_on_one_node_invalidates_the_rights_cached_by_another()
    {
        await using var otherStorage = await RedisStorage.ConnectAsync(_server.ConnectionString, _prefix, FastFailing, Ct);
        await using var otherNode = new SecurityStore(otherStorage, TimeProvider.System, epochPollInterval: TimeSpan.FromMinutes(10));
        await otherNode.StartAsync(Ct);

        await Store.Roles.CreateAsync("r", Json("""{"controllers":{"server":{"actions":{"now":true}}}}"""), null, false, false, Ct);
        await Store.Profiles.CreateAsync("p", Json("""{"policies":[{"roleId":"r"}]}"""), null, false, Ct);
        await Store.Users.CreateAsync("bob", Json("""{"profileIds":["p"]}"""), null, cancellationToken: Ct);
        Assert.That((await otherNode.Rights.GetUserRightsAsync("bob", Ct)).IsAllowed(new RightsRequest("server", "now")), Is.True);

        await Store.Roles.UpdateAsync("r", Json("""{"controllers":{"server":{"actions":{"now":false}}}}"""), null, false, 10, Ct);

        // Delivered by the change feed (the epoch poll is disabled here).
        var stopwatch = Stopwatch.StartNew();
        while ((await otherNode.Rights.GetUserRightsAsync("bob", Ct)).IsAllowed(new RightsRequest("server", "now")))
        {
            Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "the other node kept the old role");
            await Task.Delay(10, Ct);
        }

        await Store.Users.UpdateAsync("bob", Json("""{"profileIds":["admin"]}"""), null, 10, Ct);
        stopwatch.Restart();
        while (!(await otherNode.Rights.GetUserRightsAsync("bob", Ct)).IsAllowed(new RightsRequest("server", "now")))
        {
            Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "the other node kept the old profiles");
            await Task.Delay(10, Ct);
        }
    }

    [Test]
    public async Task A_node_that_missed_messages_catches_up_with_the_epoch()
    {
        await using var otherStorage = await RedisStorage.ConnectAsync(_server.ConnectionString, _prefix, FastFailing, Ct);
        await using var otherNode = new SecurityStore(otherStorage, TimeProvider.System, epochPollInterval: TimeSpan.FromMilliseconds(100));
        await otherNode.StartAsync(Ct);
        await Store.Roles.CreateAsync("r", Json("""{"controllers":{"server":{"actions":{"now":true}}}}"""), null, false, false, Ct);
        await Store.Profiles.CreateAsync("p", Json("""{"policies":[{"roleId":"r"}]}"""), null, false, Ct);
        await Store.Users.CreateAsync("bob", Json("""{"profileIds":["p"]}"""), null, cancellationToken: Ct);
        await Task.Delay(300, Ct); // Let the other node read the current epoch.
        Assert.That((await otherNode.Rights.GetUserRightsAsync("bob", Ct)).IsAllowed(new RightsRequest("server", "now")), Is.True);

        // A write whose message is lost: written straight to the store, epoch bumped, nothing published.
        await Storage.Documents.ReplaceAsync(SecurityCollections.Roles, "r", """{"controllers":{"server":{"actions":{"now":false}}}}""", cancellationToken: Ct);
        await Storage.Documents.ReplaceAsync(SecurityCollections.State, SecurityChangeFeed.EpochId, """{"epoch":"lost"}""", cancellationToken: Ct);

        var stopwatch = Stopwatch.StartNew();
        while ((await otherNode.Rights.GetUserRightsAsync("bob", Ct)).IsAllowed(new RightsRequest("server", "now")))
        {
            Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "the epoch change was not noticed");
            await Task.Delay(20, Ct);
        }
    }

    [Test]
    public async Task A_failed_epoch_check_is_reported_once_per_outage()
    {
        await using var otherStorage = await RedisStorage.ConnectAsync(_server.ConnectionString, _prefix, FastFailing, Ct);
        await using var otherNode = new SecurityStore(otherStorage, TimeProvider.System, epochPollInterval: TimeSpan.FromMilliseconds(100));
        var failures = 0;
        otherNode.Rights.PollFailed += _ => Interlocked.Increment(ref failures);
        await otherNode.StartAsync(Ct);
        await Task.Delay(300, Ct);
        Assert.That(Volatile.Read(ref failures), Is.Zero);

        await _server.StopAsync();
        try
        {
            var stopwatch = Stopwatch.StartNew();
            while (Volatile.Read(ref failures) == 0)
            {
                Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "the failed check was not reported");
                await Task.Delay(50, Ct);
            }

            await Task.Delay(1500, Ct); // Many more failed checks: still one report for this outage.
            Assert.That(Volatile.Read(ref failures), Is.EqualTo(1));
        }
        finally
        {
            await _server.RestartAsync(Ct);
        }
    }

    [Test]
    public async Task Rights_fail_closed_when_the_store_is_down()
    {
        await Store.Users.CreateAsync("bob", Json("""{"profileIds":["default"]}"""), null, cancellationToken: Ct);
        await _server.StopAsync();
        try
        {
            Assert.That(await ErrorIdAsync(async () => await Store.Rights.GetUserRightsAsync("bob", Ct)), Is.EqualTo("services.cache.not_connected"));
        }
        finally
        {
            await _server.RestartAsync(Ct);
        }
    }
}

using Kuzzle.Realtime.Storage.Embedded;

namespace Kuzzle.Realtime.Storage.Tests;

/// <summary>What the contract cannot see of the embedded counters: closed windows are forgotten, open ones kept.</summary>
public sealed class InMemoryCounterStoreTests
{
    [Test]
    public async Task Purging_forgets_closed_windows_only()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch.AddDays(1));
        var counters = new InMemoryCounterStore(clock);
        await counters.IncrementAsync("short", TimeSpan.FromSeconds(1));
        await counters.IncrementAsync("long", TimeSpan.FromMinutes(1));
        await counters.IncrementAsync("long", TimeSpan.FromMinutes(1));

        clock.Now += TimeSpan.FromMilliseconds(999);
        Assert.That(counters.PurgeExpired(), Is.Zero);
        Assert.That(await counters.GetAsync("short"), Is.EqualTo(1));

        clock.Now += TimeSpan.FromMilliseconds(1);
        Assert.That(await counters.GetAsync("short"), Is.Zero);
        Assert.That(counters.PurgeExpired(), Is.EqualTo(1));
        Assert.That(await counters.GetAsync("long"), Is.EqualTo(2));
        Assert.That(await counters.IncrementAsync("short", TimeSpan.FromSeconds(1)), Is.EqualTo(1));
    }

    [Test]
    public async Task Purging_concurrently_with_hits_loses_none()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch.AddDays(1));
        var counters = new InMemoryCounterStore(clock);
        using var stop = new CancellationTokenSource();
        var purger = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                counters.PurgeExpired();
            }
        });

        // The window never closes, so purging must never drop it: every hit stays counted.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                await counters.IncrementAsync("k", TimeSpan.FromHours(1));
            }
        })));
        await stop.CancelAsync();
        await purger;

        Assert.That(await counters.GetAsync("k"), Is.EqualTo(20_000));
    }
}

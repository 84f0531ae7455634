namespace Kuzzle.Realtime.Storage.Tests.Contract;

// Counter store: fixed windows opened by the first hit.
public abstract partial class StorageContract
{
    private ICounterStore Counters => Storage.Counters;

    [Test]
    public async Task Increment_counts_hits_until_reset()
    {
        var window = TimeSpan.FromMinutes(1);

        Assert.That(await Counters.GetAsync("login:alice", Ct), Is.Zero);
        Assert.That(await Counters.IncrementAsync("login:alice", window, Ct), Is.EqualTo(1));
        Assert.That(await Counters.IncrementAsync("login:alice", window, Ct), Is.EqualTo(2));
        Assert.That(await Counters.IncrementAsync("login:10.0.0.1", window, Ct), Is.EqualTo(1));
        Assert.That(await Counters.IncrementAsync("login:alice", window, Ct), Is.EqualTo(3));
        Assert.That(await Counters.GetAsync("login:alice", Ct), Is.EqualTo(3));

        await Counters.ResetAsync("login:alice", Ct);

        Assert.That(await Counters.GetAsync("login:alice", Ct), Is.Zero);
        Assert.That(await Counters.IncrementAsync("login:alice", window, Ct), Is.EqualTo(1));
        Assert.That(await Counters.GetAsync("login:10.0.0.1", Ct), Is.EqualTo(1));
    }

    [Test]
    public async Task A_window_is_fixed_at_its_first_hit_and_then_starts_over()
    {
        var window = TimeSpan.FromMilliseconds(800);
        var opened = DateTimeOffset.UtcNow;
        Assert.That(await Counters.IncrementAsync("k", window, Ct), Is.EqualTo(1));

        // A hit inside the window must not extend it.
        await DelayUntilAsync(opened + TimeSpan.FromMilliseconds(400));
        Assert.That(await Counters.IncrementAsync("k", window, Ct), Is.EqualTo(2));

        await DelayUntilAsync(opened + window + TimeSpan.FromMilliseconds(50));
        Assert.That(await Counters.GetAsync("k", Ct), Is.Zero);
        Assert.That(await Counters.IncrementAsync("k", window, Ct), Is.EqualTo(1));
    }

    [Test]
    public async Task Concurrent_increments_are_all_counted()
    {
        var window = TimeSpan.FromMinutes(1);

        var counts = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => Counters.IncrementAsync("busy", window, Ct), Ct)));

        Assert.That(counts.Order(), Is.EqualTo(Enumerable.Range(1, 50).Select(i => (long)i)));
        Assert.That(await Counters.GetAsync("busy", Ct), Is.EqualTo(50));
    }
}

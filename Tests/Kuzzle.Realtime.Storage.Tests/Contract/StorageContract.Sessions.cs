namespace Kuzzle.Realtime.Storage.Tests.Contract;

// Session store: expiry to the millisecond, per-user listing and removal, refresh grace period.
public abstract partial class StorageContract
{
    private static readonly TimeSpan ShortTtl = TimeSpan.FromMilliseconds(500);

    private ISessionStore Sessions => Storage.Sessions;

    [Test]
    public async Task A_session_reads_back_exactly()
    {
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds());
        var session = new SessionRecord("kauth-token-1", "kuid-1", expiresAt, """{"_id":"kuid-1#kauth-token-1","ttl":3600000}""");
        var infinite = new SessionRecord("kauth-token-2", "kuid-1", null, "{}");

        await Sessions.AddAsync(session, Ct);
        await Sessions.AddAsync(infinite, Ct);

        Assert.That(await Sessions.GetAsync("kauth-token-1", Ct), Is.EqualTo(session));
        Assert.That(await Sessions.GetAsync("kauth-token-2", Ct), Is.EqualTo(infinite));
        Assert.That(await Sessions.GetAsync("kauth-unknown", Ct), Is.Null);
    }

    [Test]
    public async Task A_session_disappears_at_its_expiry()
    {
        var expiresAt = DateTimeOffset.UtcNow + ShortTtl;
        await Sessions.AddAsync(new SessionRecord("t1", "kuid-1", expiresAt, "{}"), Ct);
        Assert.That(await Sessions.GetAsync("t1", Ct), Is.Not.Null);

        await DelayUntilAsync(expiresAt);

        Assert.That(await Sessions.GetAsync("t1", Ct), Is.Null);
        Assert.That(await Sessions.ListByUserAsync("kuid-1", Ct), Is.Empty);
        Assert.That(await Sessions.RemoveAsync("t1", Ct), Is.False);
        Assert.That(await Sessions.SetExpiryAsync("t1", DateTimeOffset.UtcNow.AddHours(1), Ct), Is.False);
        Assert.That(await Sessions.GetAsync("t1", Ct), Is.Null);
    }

    [Test]
    public async Task A_session_added_already_expired_is_not_kept()
    {
        await Sessions.AddAsync(new SessionRecord("t1", "kuid-1", null, "{}"), Ct);
        await Sessions.AddAsync(new SessionRecord("t1", "kuid-1", DateTimeOffset.UtcNow.AddMilliseconds(-1), "{}"), Ct);

        Assert.That(await Sessions.GetAsync("t1", Ct), Is.Null);
        Assert.That(await Sessions.ListByUserAsync("kuid-1", Ct), Is.Empty);
    }

    [Test]
    public async Task Remove_deletes_one_session_once()
    {
        await Sessions.AddAsync(new SessionRecord("t1", "kuid-1", null, "{}"), Ct);
        await Sessions.AddAsync(new SessionRecord("t2", "kuid-1", null, "{}"), Ct);

        Assert.That(await Sessions.RemoveAsync("t1", Ct), Is.True);
        Assert.That(await Sessions.RemoveAsync("t1", Ct), Is.False);
        Assert.That(await Sessions.GetAsync("t1", Ct), Is.Null);
        Assert.That((await Sessions.ListByUserAsync("kuid-1", Ct)).Select(s => s.TokenId), Is.EqualTo(new[] { "t2" }));
    }

    [Test]
    public async Task Sessions_list_and_remove_by_user()
    {
        var later = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds());
        await Sessions.AddAsync(new SessionRecord("b-token", "kuid-1", later, """{"n":2}"""), Ct);
        await Sessions.AddAsync(new SessionRecord("a-token", "kuid-1", null, """{"n":1}"""), Ct);
        await Sessions.AddAsync(new SessionRecord("c-token", "kuid-2", null, "{}"), Ct);
        await Sessions.AddAsync(new SessionRecord("d-token", "kuid-1#other", null, "{}"), Ct);
        await Sessions.AddAsync(new SessionRecord("soon", "kuid-1", DateTimeOffset.UtcNow + ShortTtl, "{}"), Ct);

        var listed = await Sessions.ListByUserAsync("kuid-1", Ct);
        Assert.That(listed.Select(s => s.TokenId), Is.EqualTo(new[] { "a-token", "b-token", "soon" }));
        Assert.That(listed[1], Is.EqualTo(new SessionRecord("b-token", "kuid-1", later, """{"n":2}""")));

        await DelayUntilAsync(DateTimeOffset.UtcNow + ShortTtl);
        var removed = await Sessions.RemoveByUserAsync("kuid-1", Ct);

        Assert.That(removed, Is.EqualTo(new[] { "a-token", "b-token" }));
        Assert.That(await Sessions.ListByUserAsync("kuid-1", Ct), Is.Empty);
        Assert.That(await Sessions.GetAsync("a-token", Ct), Is.Null);
        Assert.That(await Sessions.GetAsync("c-token", Ct), Is.Not.Null);
        Assert.That(await Sessions.GetAsync("d-token", Ct), Is.Not.Null);
        Assert.That(await Sessions.RemoveByUserAsync("kuid-1", Ct), Is.Empty);
    }

    [Test]
    public async Task Re_adding_a_token_for_another_user_moves_it()
    {
        await Sessions.AddAsync(new SessionRecord("t1", "kuid-1", null, "{}"), Ct);
        await Sessions.AddAsync(new SessionRecord("t1", "kuid-2", null, """{"moved":true}"""), Ct);

        Assert.That(await Sessions.ListByUserAsync("kuid-1", Ct), Is.Empty);
        Assert.That(await Sessions.RemoveByUserAsync("kuid-1", Ct), Is.Empty);
        Assert.That((await Sessions.ListByUserAsync("kuid-2", Ct)).Single().Json, Is.EqualTo("""{"moved":true}"""));
    }

    [Test]
    public async Task SetExpiry_shortens_a_session_to_a_grace_period()
    {
        await Sessions.AddAsync(new SessionRecord("t1", "kuid-1", null, "{}"), Ct);
        var graceEnd = DateTimeOffset.FromUnixTimeMilliseconds((DateTimeOffset.UtcNow + ShortTtl).ToUnixTimeMilliseconds());

        Assert.That(await Sessions.SetExpiryAsync("t1", graceEnd, Ct), Is.True);
        Assert.That((await Sessions.GetAsync("t1", Ct))?.ExpiresAt, Is.EqualTo(graceEnd));

        await DelayUntilAsync(graceEnd);

        Assert.That(await Sessions.GetAsync("t1", Ct), Is.Null);
        Assert.That(await Sessions.SetExpiryAsync("missing", graceEnd, Ct), Is.False);
    }

    [Test]
    public async Task SetExpiry_can_extend_or_end_a_session()
    {
        await Sessions.AddAsync(new SessionRecord("t1", "kuid-1", DateTimeOffset.UtcNow + ShortTtl, "{}"), Ct);
        await Sessions.AddAsync(new SessionRecord("t2", "kuid-1", null, "{}"), Ct);

        Assert.That(await Sessions.SetExpiryAsync("t1", DateTimeOffset.UtcNow.AddHours(1), Ct), Is.True);
        Assert.That(await Sessions.SetExpiryAsync("t2", DateTimeOffset.UtcNow.AddSeconds(-1), Ct), Is.True);
        await DelayUntilAsync(DateTimeOffset.UtcNow + ShortTtl);

        Assert.That(await Sessions.GetAsync("t1", Ct), Is.Not.Null);
        Assert.That(await Sessions.GetAsync("t2", Ct), Is.Null);
    }

    [Test]
    public async Task Session_expiry_holds_to_the_millisecond_of_the_clock()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var storage = await CreateProviderAsync(ReportHandlerError, clock);
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().AddSeconds(10).ToUnixTimeMilliseconds());
        await storage.Sessions.AddAsync(new SessionRecord("t1", "kuid-1", expiresAt, "{}"), Ct);
        await storage.Sessions.AddAsync(new SessionRecord("t2", "kuid-1", expiresAt, "{}"), Ct);

        clock.Now = expiresAt.AddMilliseconds(-1);
        Assert.That(await storage.Sessions.GetAsync("t1", Ct), Is.Not.Null);
        Assert.That(await storage.Sessions.ListByUserAsync("kuid-1", Ct), Has.Count.EqualTo(2));

        clock.Now = expiresAt;
        Assert.That(await storage.Sessions.GetAsync("t1", Ct), Is.Null);
        Assert.That(await storage.Sessions.ListByUserAsync("kuid-1", Ct), Is.Empty);
        Assert.That(await storage.Sessions.SetExpiryAsync("t1", expiresAt.AddHours(1), Ct), Is.False);
        Assert.That(await storage.Sessions.RemoveAsync("t2", Ct), Is.False);
        Assert.That(await storage.Sessions.RemoveByUserAsync("kuid-1", Ct), Is.Empty);
    }

    /// <summary>Waits until just after <paramref name="moment"/>: short, bounded waits only.</summary>
    protected static async Task DelayUntilAsync(DateTimeOffset moment)
    {
        var wait = moment - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(5);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, Ct);
        }
    }
}

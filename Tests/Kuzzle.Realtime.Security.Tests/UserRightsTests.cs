namespace Kuzzle.Realtime.Security.Tests;

/// <summary>The per-user snapshot the funnel keeps: building, staleness, denial ids.</summary>
public sealed class UserRightsTests
{
    private readonly Dictionary<string, Role> _roles = BuiltInSecurity.RestrictedRoles.ToDictionary(r => r.Id);
    private readonly Dictionary<string, Profile> _profiles = BuiltInSecurity.RestrictedProfiles.ToDictionary(p => p.Id);

    private ValueTask<UserRights> Build(RightsCache cache, string kuid, params string[] profileIds) =>
        cache.GetUserRightsAsync(
            kuid,
            profileIds,
            (id, _) => ValueTask.FromResult(_profiles.GetValueOrDefault(id)),
            (id, _) => ValueTask.FromResult(_roles.GetValueOrDefault(id)));

    [Test]
    public async Task Anonymous_snapshot()
    {
        var cache = new RightsCache();
        var rights = await Build(cache, BuiltInSecurity.AnonymousKuid, [.. BuiltInSecurity.AnonymousUser.ProfileIds]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(rights.IsAllowed(new RightsRequest("auth", "login")), Is.True);
            Assert.That(rights.IsAllowed(new RightsRequest("realtime", "subscribe", "i", "c")), Is.False);
            Assert.That(rights.DeniedErrorId, Is.EqualTo("security.rights.unauthorized"));
            Assert.That(rights.RateLimit, Is.EqualTo(200));
            Assert.That(cache.IsCurrent(rights), Is.True);
        }
    }

    [Test]
    public async Task Authenticated_snapshot_combines_profiles()
    {
        var cache = new RightsCache();
        var rights = await Build(cache, "u1", "default", "anonymous");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(rights.IsAllowed(new RightsRequest("server", "openapi")), Is.True, "from the anonymous profile");
            Assert.That(rights.IsAllowed(new RightsRequest("auth", "updateSelf")), Is.True, "from the default profile");
            Assert.That(rights.IsAllowed(new RightsRequest("auth", "login")), Is.True, "the anonymous role allows login");
            Assert.That(rights.IsAllowed(new RightsRequest("security", "getUser")), Is.False);
            Assert.That(rights.DeniedErrorId, Is.EqualTo("security.rights.forbidden"));
            Assert.That(rights.RateLimit, Is.EqualTo(200));
            Assert.That(rights.ListRights(), Has.Count.EqualTo(8), "6 + 6 items, 4 shared");
        }
    }

    [Test]
    public async Task No_login_exception_once_authenticated()
    {
        var rights = await Build(new RightsCache(), "u1", "default");
        Assert.That(rights.IsAllowed(new RightsRequest("auth", "login")), Is.False);
    }

    [Test]
    public async Task Snapshot_goes_stale_on_any_invalidation()
    {
        var cache = new RightsCache();
        var rights = await Build(cache, "u1", "default");
        cache.InvalidateRole("anonymous");
        Assert.That(cache.IsCurrent(rights), Is.False);
        var rebuilt = await Build(cache, "u1", "default");
        Assert.That(cache.IsCurrent(rebuilt), Is.True);
    }

    [Test]
    public async Task Unknown_profile_fails_the_build()
    {
        var cache = new RightsCache();
        var error = (await Assert.ThrowsAsync<SecurityValidationException>(async () => await Build(cache, "u1", "default", "ghost")))!;
        Assert.That(error.ErrorId, Is.EqualTo("security.profile.not_found"));
        Assert.That(await Build(cache, "u1", "default"), Is.Not.Null);
    }

    [Test]
    public async Task Check_through_the_snapshot_allocates_nothing()
    {
        var rights = await Build(new RightsCache(), "u1", "default", "admin");
        var request = new RightsRequest("realtime", "subscribe", "chat", "room");
        rights.IsAllowed(request);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var allowed = true;
        for (var i = 0; i < 1000; i++)
        {
            allowed &= rights.IsAllowed(request);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(allowed, Is.True);
            Assert.That(allocated, Is.Zero);
        }
    }
}

namespace Kuzzle.Realtime.Security.Tests;

/// <summary>The compiled-rights cache: hits, invalidation by role/profile, generations.</summary>
public sealed class RightsCacheTests
{
    private readonly Dictionary<string, Role> _roles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Profile> _profiles = new(StringComparer.Ordinal);
    private int _profileLoads;
    private int _roleLoads;

    [SetUp]
    public void SetUp()
    {
        _roles.Clear();
        _profiles.Clear();
        _profileLoads = 0;
        _roleLoads = 0;
        SetRole("reader", """{"controllers":{"document":{"actions":{"get":true}}}}""");
        SetRole("writer", """{"controllers":{"document":{"actions":{"create":true}}}}""");
        SetProfile("readers", """{"policies":[{"roleId":"reader"}]}""");
        SetProfile("writers", """{"policies":[{"roleId":"writer"}],"rateLimit":3}""");
        SetProfile("both", """{"policies":[{"roleId":"reader"},{"roleId":"writer"}]}""");
    }

    [Test]
    public void Second_get_is_a_hit()
    {
        var cache = new RightsCache();
        var first = Get(cache, "readers");
        var second = Get(cache, "readers");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(second, Is.SameAs(first));
            Assert.That(_profileLoads, Is.EqualTo(1));
            Assert.That(cache.TryGet("readers", out var cached), Is.True);
            Assert.That(cached, Is.SameAs(first));
            Assert.That(first.IsAllowed("document", "get", null, null), Is.True);
        }
    }

    [Test]
    public void Compiled_roles_are_shared_between_profiles()
    {
        var cache = new RightsCache();
        Get(cache, "readers");
        Get(cache, "both");
        Assert.That(_roleLoads, Is.EqualTo(2), "reader loaded once, writer once");
    }

    [Test]
    public async Task Async_get_loads_once_then_hits()
    {
        var cache = new RightsCache();
        var first = await GetAsync(cache, "writers");
        var second = await GetAsync(cache, "writers");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(second, Is.SameAs(first));
            Assert.That(_profileLoads, Is.EqualTo(1));
            Assert.That(first.RateLimit, Is.EqualTo(3));
        }
    }

    [Test]
    public void InvalidateRole_drops_the_profiles_using_it_only()
    {
        var cache = new RightsCache();
        Get(cache, "readers");
        Get(cache, "writers");
        Get(cache, "both");
        var generation = cache.Generation;

        SetRole("reader", """{"controllers":{"document":{"actions":{"get":false}}}}""");
        cache.InvalidateRole("reader");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(cache.Generation, Is.GreaterThan(generation));
            Assert.That(cache.TryGet("readers", out _), Is.False);
            Assert.That(cache.TryGet("both", out _), Is.False);
            Assert.That(cache.TryGet("writers", out _), Is.True);
            Assert.That(Get(cache, "readers").IsAllowed("document", "get", null, null), Is.False);
            Assert.That(Get(cache, "both").IsAllowed("document", "create", null, null), Is.True);
        }
    }

    [Test]
    public void InvalidateProfile_drops_that_profile_only()
    {
        var cache = new RightsCache();
        Get(cache, "readers");
        Get(cache, "writers");
        SetProfile("readers", """{"policies":[{"roleId":"writer"}]}""");
        cache.InvalidateProfile("readers");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(cache.TryGet("writers", out _), Is.True);
            Assert.That(cache.Count, Is.EqualTo(1));
            Assert.That(Get(cache, "readers").IsAllowed("document", "create", null, null), Is.True);
            Assert.That(Get(cache, "readers").IsAllowed("document", "get", null, null), Is.False);
        }
    }

    [Test]
    public void Clear_drops_profiles_and_roles()
    {
        var cache = new RightsCache();
        Get(cache, "readers");
        SetRole("reader", """{"controllers":{"*":{"actions":{"*":true}}}}""");
        cache.Clear();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(cache.Count, Is.Zero);
            Assert.That(Get(cache, "readers").IsAllowed("server", "now", null, null), Is.True);
            Assert.That(_roleLoads, Is.EqualTo(2));
        }
    }

    [Test]
    public void A_compilation_racing_an_invalidation_is_not_kept()
    {
        var cache = new RightsCache();
        var compiled = cache.Get(
            "readers",
            id =>
            {
                var stale = _profiles[id];
                cache.InvalidateProfile(id); // a write lands while the stale definition is being compiled
                return stale;
            },
            id => _roles[id]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(compiled.IsAllowed("document", "get", null, null), Is.True, "the caller still gets an answer");
            Assert.That(cache.TryGet("readers", out _), Is.False, "but the stale table is not cached");
        }
    }

    [Test]
    public void A_role_loaded_across_an_invalidation_is_not_kept()
    {
        var cache = new RightsCache();
        cache.Get("readers", id => _profiles[id], id =>
        {
            var stale = _roles[id];
            cache.InvalidateRole(id);
            return stale;
        });
        _roleLoads = 0;
        Get(cache, "readers");
        Assert.That(_roleLoads, Is.EqualTo(1), "the role is loaded again");
    }

    [Test]
    public void Missing_profile_and_missing_role()
    {
        var cache = new RightsCache();
        SetProfile("orphan", """{"policies":[{"roleId":"ghost"}]}""");
        TestJson.AssertError(() => Get(cache, "nobody"), SecurityErrorIds.ProfileNotFound, "nobody");
        TestJson.AssertError(() => Get(cache, "orphan"), SecurityErrorIds.ProfileCannotHydrate, "orphan");
        Assert.That(cache.Count, Is.Zero);
    }

    [Test]
    public void Concurrent_gets_and_invalidations_settle_on_the_latest_definitions()
    {
        var cache = new RightsCache();
        var stop = DateTime.UtcNow.AddMilliseconds(300);
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (DateTime.UtcNow < stop)
            {
                cache.Get("both", LoadProfileShared, LoadRoleShared);
            }
        })).ToArray();
        var writer = Task.Run(() =>
        {
            var flag = false;
            while (DateTime.UtcNow < stop)
            {
                flag = !flag;
                lock (_roles)
                {
                    _roles["writer"] = Role.Parse("writer", TestJson.Parse(
                        flag
                            ? """{"controllers":{"document":{"actions":{"create":true}}}}"""
                            : """{"controllers":{"document":{"actions":{"create":false}}}}"""));
                }

                cache.InvalidateRole("writer");
            }

            lock (_roles)
            {
                _roles["writer"] = Role.Parse("writer", TestJson.Parse("""{"controllers":{"document":{"actions":{"create":false}}}}"""));
            }

            cache.InvalidateRole("writer");
        });
        Task.WaitAll([.. readers, writer]);
        Assert.That(cache.Get("both", LoadProfileShared, LoadRoleShared).IsAllowed("document", "create", null, null), Is.False);
    }

    [Test]
    public async Task User_rights_kept_while_current_never_outlive_an_invalidation()
    {
        // The funnel's pattern: keep UserRights while IsCurrent, rebuild otherwise. Readers spin on it while a writer flips a
        // role; after each invalidation has returned, every reader's kept rights must show the definition just written.
        const int Readers = 2;
        const int Rounds = 500;
        var cache = new RightsCache();
        var profiles = new[] { "both" };
        var round = 0;
        var acks = 0;
        var stale = 0;
        var readers = Enumerable.Range(0, Readers).Select(_ => Task.Run(async () =>
        {
            UserRights? kept = null;
            var seen = 0;
            while (seen < Rounds)
            {
                kept = await KeptOrRebuiltAsync(cache, kept, profiles);
                var published = Volatile.Read(ref round);
                if (published != seen)
                {
                    seen = published;
                    kept = await KeptOrRebuiltAsync(cache, kept, profiles);
                    if (kept.IsAllowed(new RightsRequest("document", "create")) != (seen % 2 == 1))
                    {
                        Interlocked.Increment(ref stale);
                    }

                    Interlocked.Increment(ref acks);
                }
            }
        })).ToArray();
        for (var r = 1; r <= Rounds; r++)
        {
            SetWriter(r % 2 == 1);
            cache.InvalidateRole("writer");
            Volatile.Write(ref round, r);
            var spin = new SpinWait();
            while (Volatile.Read(ref acks) < r * Readers)
            {
                spin.SpinOnce();
            }
        }

        await Task.WhenAll(readers);
        Assert.That(stale, Is.Zero, "rounds where a reader kept rights compiled from the replaced role");
    }

    private async Task<UserRights> KeptOrRebuiltAsync(RightsCache cache, UserRights? kept, string[] profiles) =>
        kept is not null && cache.IsCurrent(kept)
            ? kept
            : await cache.GetUserRightsAsync("u", profiles, (id, _) => ValueTask.FromResult(LoadProfileShared(id)), (id, _) => ValueTask.FromResult(LoadRoleShared(id)));

    private void SetWriter(bool allowed)
    {
        lock (_roles)
        {
            _roles["writer"] = Role.Parse("writer", TestJson.Parse(allowed
                ? """{"controllers":{"document":{"actions":{"create":true}}}}"""
                : """{"controllers":{"document":{"actions":{"create":false}}}}"""));
        }
    }

    private Profile? LoadProfileShared(string id)
    {
        lock (_roles)
        {
            return _profiles.GetValueOrDefault(id);
        }
    }

    private Role? LoadRoleShared(string id)
    {
        lock (_roles)
        {
            return _roles.GetValueOrDefault(id);
        }
    }

    private CompiledRights Get(RightsCache cache, string profileId) =>
        cache.Get(profileId, LoadProfile, LoadRole);

    private ValueTask<CompiledRights> GetAsync(RightsCache cache, string profileId) =>
        cache.GetAsync(
            profileId,
            async (id, ct) =>
            {
                await Task.Yield();
                return LoadProfile(id);
            },
            (id, _) => ValueTask.FromResult(LoadRole(id)));

    private Profile? LoadProfile(string id)
    {
        _profileLoads++;
        return _profiles.GetValueOrDefault(id);
    }

    private Role? LoadRole(string id)
    {
        _roleLoads++;
        return _roles.GetValueOrDefault(id);
    }

    private void SetRole(string id, string json) => _roles[id] = Role.Parse(id, TestJson.Parse(json));

    private void SetProfile(string id, string json) => _profiles[id] = Profile.Parse(id, TestJson.Parse(json));
}

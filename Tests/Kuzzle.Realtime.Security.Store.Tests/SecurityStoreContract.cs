using System.Text.Json;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Security;
using Kuzzle.Realtime.Security.Store.Search;
using Kuzzle.Realtime.Storage;

namespace Kuzzle.Realtime.Security.Store.Tests;

/// <summary>
/// What the security store must do on any storage backend, written once and inherited by one fixture per backend. Each test
/// gets a fresh, isolated provider.
/// </summary>
[CancelAfter(30_000)]
public abstract class SecurityStoreContract
{
    protected IStorageProvider Storage { get; private set; } = null!;

    protected SecurityStore Store { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    /// <summary>A provider isolated from every other test's.</summary>
    protected abstract Task<IStorageProvider> CreateProviderAsync();

    [SetUp]
    public async Task CreateStore()
    {
        Storage = await CreateProviderAsync();
        Store = new SecurityStore(Storage, TimeProvider.System);
        await Store.StartAsync(Ct);
    }

    [TearDown]
    public async Task DisposeStore()
    {
        await Store.DisposeAsync();
        await Storage.DisposeAsync();
    }

    protected static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    protected static string ErrorId(Action action) => Assert.Throws<KuzzleException>(() => action())!.Definition!.Id;

    protected static async Task<string> ErrorIdAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (KuzzleException e)
        {
            return e.Definition?.Id ?? $"ad-hoc {e.Status}";
        }

        Assert.Fail("no error");
        return "";
    }

    [Test]
    public async Task Seeding_creates_the_built_ins_once_and_concurrent_seeding_is_safe()
    {
        await using var other = new SecurityStore(Storage, TimeProvider.System);
        await Task.WhenAll(Store.Bootstrap.SeedAsync(Ct), other.Bootstrap.SeedAsync(Ct), Store.Bootstrap.SeedAsync(Ct));

        var roles = await Store.Roles.ListAllAsync(Ct);
        var profiles = await Store.Profiles.ListAllAsync(Ct);
        Assert.That(roles.Select(r => r.Id), Is.EqualTo(new[] { "admin", "anonymous", "default" }));
        Assert.That(profiles.Select(p => p.Id), Is.EqualTo(new[] { "admin", "anonymous", "default" }));
        Assert.That(profiles[1].Source["rateLimit"]!.GetValue<long>(), Is.Zero);
    }

    [Test]
    public async Task Seeding_never_overwrites_restricted_rights()
    {
        await Store.Bootstrap.RestrictDefaultRightsAsync(Ct);
        await Store.Bootstrap.SeedAsync(Ct);

        var anonymous = await Store.Rights.GetUserRightsAsync("-1", Ct);
        Assert.That(anonymous.IsAllowed(new RightsRequest("security", "createFirstAdmin")), Is.False);
        Assert.That(anonymous.IsAllowed(new RightsRequest("auth", "login")), Is.True);
        Assert.That(anonymous.RateLimit, Is.EqualTo(200));
    }

    [Test]
    public async Task Roles_are_validated_and_duplicates_refused()
    {
        var created = await Store.Roles.CreateAsync("reader", Json("""{"controllers":{"realtime":{"actions":{"subscribe":true}}},"tags":["t"]}"""), "admin-kuid", false, false, Ct);
        Assert.That(created.Source["_kuzzle_info"]!["author"]!.GetValue<string>(), Is.EqualTo("admin-kuid"));
        Assert.That(created.Source["tags"]![0]!.GetValue<string>(), Is.EqualTo("t"));

        Assert.That(await ErrorIdAsync(() => Store.Roles.CreateAsync("reader", Json("""{"controllers":{"*":{"actions":{"*":true}}}}"""), null, false, false, Ct)),
            Is.EqualTo("services.storage.document_already_exists"));
        Assert.That(await ErrorIdAsync(() => Store.Roles.CreateAsync("x", Json("""{"controllers":{"nope":{"actions":{"a":true}}}}"""), null, false, false, Ct)),
            Is.EqualTo("security.role.unknown_controller"));
        Assert.That(await ErrorIdAsync(() => Store.Roles.CreateAsync("x", Json("""{"controllers":{"document":{"actions":{"nope":true}}}}"""), null, false, false, Ct)),
            Is.EqualTo("security.role.unknown_action"));
        Assert.That(await ErrorIdAsync(() => Store.Roles.CreateAsync("x", Json("""{"controllers":{"document":{"actions":{"get":"yes"}}}}"""), null, false, false, Ct)),
            Is.EqualTo("api.assert.invalid_type"));
        Assert.That(await ErrorIdAsync(() => Store.Roles.CreateAsync("anonymous", Json("""{"controllers":{"auth":{"actions":{"logout":true}}}}"""), null, false, true, Ct)),
            Is.EqualTo("security.role.login_required"));
        Assert.That(await ErrorIdAsync(() => Store.Roles.UpdateAsync("missing", Json("""{"controllers":{"*":{"actions":{"*":true}}}}"""), null, false, 10, Ct)),
            Is.EqualTo("services.storage.not_found"));
        Assert.That(await Store.Roles.FindAsync("x", Ct), Is.Null);

        await Store.Roles.CreateAsync("plugin", Json("""{"controllers":{"myplugin/ctrl":{"actions":{"go":true}}}}"""), null, force: true, replace: false, Ct);
    }

    [Test]
    public async Task Protections_of_roles_and_profiles()
    {
        await Store.Roles.CreateAsync("r1", Json("""{"controllers":{"*":{"actions":{"*":true}}}}"""), null, false, false, Ct);
        await Store.Profiles.CreateAsync("p1", Json("""{"policies":[{"roleId":"r1"}]}"""), null, false, Ct);
        await Store.Users.CreateAsync("u1", Json("""{"profileIds":["p1","default"],"name":"U"}"""), null, cancellationToken: Ct);

        Assert.That(await ErrorIdAsync(() => Store.Roles.DeleteAsync("admin", Ct)), Is.EqualTo("security.role.cannot_delete"));
        Assert.That(await ErrorIdAsync(() => Store.Profiles.DeleteAsync("anonymous", false, null, Ct)), Is.EqualTo("security.profile.cannot_delete"));
        Assert.That(await ErrorIdAsync(() => Store.Roles.DeleteAsync("r1", Ct)), Is.EqualTo("security.role.in_use"));
        Assert.That(await ErrorIdAsync(() => Store.Profiles.DeleteAsync("p1", false, null, Ct)), Is.EqualTo("security.profile.in_use"));
        Assert.That(await ErrorIdAsync(() => Store.Profiles.CreateAsync("p2", Json("""{"policies":[{"roleId":"ghost"}]}"""), null, false, Ct)),
            Is.EqualTo("security.role.not_found"));
        Assert.That(await ErrorIdAsync(() => Store.Profiles.CreateAsync("anonymous", Json("""{"policies":[{"roleId":"r1"}]}"""), null, true, Ct)),
            Is.EqualTo("security.profile.missing_anonymous_role"));
        Assert.That(await ErrorIdAsync(() => Store.Users.CreateAsync("u2", Json("""{"profileIds":["ghost"]}"""), null, cancellationToken: Ct)),
            Is.EqualTo("security.profile.not_found"));
        Assert.That(await ErrorIdAsync(() => Store.Users.CreateAsync("u2", Json("""{"profileIds":[]}"""), null, cancellationToken: Ct)),
            Is.EqualTo("security.user.no_profile"));

        await Store.Profiles.DeleteAsync("p1", removeFromUsers: true, "admin", Ct);
        var user = await Store.Users.GetAsync("u1", Ct);
        Assert.That(user.Source["profileIds"]!.AsArray().Select(p => p!.GetValue<string>()), Is.EqualTo(new[] { "default" }));
        await Store.Roles.DeleteAsync("r1", Ct);
        Assert.That(await Store.Roles.FindAsync("r1", Ct), Is.Null);
    }

    [Test]
    public async Task Strict_refuses_restrictions_to_indexes_that_do_not_exist()
    {
        // No document storage here, so no index exists: strict refuses every restriction, and changes nothing.
        const string Restricted = """{"policies":[{"roleId":"default","restrictedTo":[{"index":"nyc","collections":["taxi"]}]}]}""";
        Assert.That(await ErrorIdAsync(() => Store.Profiles.CreateAsync("s", Json(Restricted), null, false, strict: true, Ct)), Is.EqualTo("services.storage.unknown_index"));
        Assert.That(await ErrorIdAsync(() => Store.Profiles.GetAsync("s", Ct)), Is.EqualTo("security.profile.not_found"));

        await Store.Profiles.CreateAsync("s", Json("""{"policies":[{"roleId":"default"}]}"""), null, false, strict: true, Ct);
        Assert.That(await ErrorIdAsync(() => Store.Profiles.UpdateAsync("s", Json(Restricted), null, 10, strict: true, Ct)), Is.EqualTo("services.storage.unknown_index"));
        Assert.That((await Store.Profiles.GetAsync("s", Ct)).ToJson().ToJsonString(), Does.Not.Contain("restrictedTo"));

        // Structural errors still come first, and without strict the restriction is accepted.
        Assert.That(await ErrorIdAsync(() => Store.Profiles.CreateAsync("t", Json("""{"policies":[{"roleId":"default","restrictedTo":[{}]}]}"""), null, false, strict: true, Ct)), Is.EqualTo("api.assert.missing_argument"));
        await Store.Profiles.CreateAsync("t", Json(Restricted), null, false, strict: false, Ct);
    }

    [Test]
    public async Task A_user_left_without_profile_gets_anonymous()
    {
        await Store.Profiles.CreateAsync("only", Json("""{"policies":[{"roleId":"default"}]}"""), null, false, Ct);
        await Store.Users.CreateAsync("lonely", Json("""{"profileIds":["only"]}"""), null, cancellationToken: Ct);
        await Store.Profiles.DeleteAsync("only", true, null, Ct);
        var user = await Store.Users.GetAsync("lonely", Ct);
        Assert.That(user.Source["profileIds"]![0]!.GetValue<string>(), Is.EqualTo("anonymous"));
    }

    [Test]
    public async Task Parallel_updates_lose_nothing()
    {
        await Store.Users.CreateAsync("busy", Json("""{"profileIds":["default"]}"""), null, cancellationToken: Ct);
        await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Store.Users.UpdateAsync("busy", Json($$"""{"k{{i}}":{{i}}}"""), "w", 100, Ct)));

        var user = await Store.Users.GetAsync("busy", Ct);
        Assert.That(Enumerable.Range(0, 16).All(i => user.Source[$"k{i}"]?.GetValue<int>() == i), Is.True, user.Source.ToJsonString());
    }

    [Test]
    public async Task Anonymous_is_held_in_memory_and_update_self_merges()
    {
        Assert.That((await Store.Users.GetAsync("anonymous", Ct)).Id, Is.EqualTo("-1"));
        Assert.That(await Store.Users.ExistsAsync("-1", Ct), Is.False);
        await Store.Users.CreateAsync("me", Json("""{"profileIds":["default"],"a":1}"""), null, cancellationToken: Ct);
        var updated = await Store.Users.UpdateSelfAsync("me", Json("""{"b":2}"""), Ct);
        Assert.That(updated.Source["a"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(updated.Source["b"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(updated.Source["_kuzzle_info"]!["updater"]!.GetValue<string>(), Is.EqualTo("me"));
        Assert.That(await ErrorIdAsync(() => Store.Users.UpdateSelfAsync("me", Json("""{"profileIds":["admin"]}"""), Ct)), Is.EqualTo("api.assert.forbidden_argument"));
    }

    [Test]
    public async Task A_role_change_takes_effect_on_the_next_rights_read()
    {
        await Store.Roles.CreateAsync("r", Json("""{"controllers":{"server":{"actions":{"now":true}}}}"""), null, false, false, Ct);
        await Store.Profiles.CreateAsync("p", Json("""{"policies":[{"roleId":"r"}],"rateLimit":7}"""), null, false, Ct);
        await Store.Users.CreateAsync("bob", Json("""{"profileIds":["p"]}"""), null, cancellationToken: Ct);

        var before = await Store.Rights.GetUserRightsAsync("bob", Ct);
        Assert.That(before.IsAllowed(new RightsRequest("server", "now")), Is.True);
        Assert.That(before.RateLimit, Is.EqualTo(7));

        await Store.Roles.UpdateAsync("r", Json("""{"controllers":{"server":{"actions":{"now":false}}}}"""), null, false, 10, Ct);
        Assert.That((await Store.Rights.GetUserRightsAsync("bob", Ct)).IsAllowed(new RightsRequest("server", "now")), Is.False);

        await Store.Users.UpdateAsync("bob", Json("""{"profileIds":["admin"]}"""), null, 10, Ct);
        Assert.That((await Store.Rights.GetUserRightsAsync("bob", Ct)).IsAllowed(new RightsRequest("server", "now")), Is.True);
        Assert.That(await ErrorIdAsync(async () => await Store.Rights.GetUserRightsAsync("ghost", Ct)), Is.EqualTo("security.user.not_found"));
    }

    [Test]
    public async Task Rights_read_concurrently_with_writes_show_each_write_once_it_returned()
    {
        // Readers spin on the rights (as the funnel does) while the user's profile list and then a role flip; after each write
        // has returned, a read on every reader must reflect it: nothing loaded during the write may stay cached.
        const int Readers = 2;
        const int Rounds = 60;
        await Store.Roles.CreateAsync("r", Json("""{"controllers":{"server":{"actions":{"now":true}}}}"""), null, false, false, Ct);
        await Store.Roles.CreateAsync("none", Json("""{"controllers":{"server":{"actions":{"now":false}}}}"""), null, false, false, Ct);
        await Store.Profiles.CreateAsync("p", Json("""{"policies":[{"roleId":"r"}]}"""), null, false, Ct);
        await Store.Profiles.CreateAsync("q", Json("""{"policies":[{"roleId":"none"}]}"""), null, false, Ct);
        await Store.Users.CreateAsync("bob", Json("""{"profileIds":["p"]}"""), null, cancellationToken: Ct);
        var round = 0;
        var acks = 0;
        var stale = new System.Collections.Concurrent.ConcurrentBag<int>();
        var expected = new bool[Rounds * 2 + 1];
        var readers = Enumerable.Range(0, Readers).Select(_ => Task.Run(async () =>
        {
            var seen = 0;
            while (seen < Rounds * 2)
            {
                await Task.Yield(); // Two cores: leave room for the store's own I/O.
                await Store.Rights.GetUserRightsAsync("bob", Ct);
                var published = Volatile.Read(ref round);
                if (published != seen)
                {
                    seen = published;
                    if ((await Store.Rights.GetUserRightsAsync("bob", Ct)).IsAllowed(new RightsRequest("server", "now")) != expected[seen])
                    {
                        stale.Add(seen);
                    }

                    Interlocked.Increment(ref acks);
                }
            }
        })).ToArray();

        async Task WriteAndCheckAsync(int r, bool allowed, Func<Task> write)
        {
            expected[r] = allowed;
            await write();
            Volatile.Write(ref round, r);
            while (Volatile.Read(ref acks) < r * Readers)
            {
                await Task.Yield();
            }
        }

        for (var r = 1; r <= Rounds; r++)
        {
            var onP = r % 2 == 0;
            await WriteAndCheckAsync(r, onP, () => Store.Users.UpdateAsync("bob", Json(onP ? """{"profileIds":["p"]}""" : """{"profileIds":["q"]}"""), null, 10, Ct));
        }

        // bob is on "p" again (Rounds is even): flip the role under it.
        for (var r = Rounds + 1; r <= Rounds * 2; r++)
        {
            var allowed = r % 2 == 0;
            await WriteAndCheckAsync(r, allowed, () => Store.Roles.UpdateAsync("r", Json(allowed ? """{"controllers":{"server":{"actions":{"now":true}}}}""" : """{"controllers":{"server":{"actions":{"now":false}}}}"""), null, false, 10, Ct));
        }

        await Task.WhenAll(readers);
        Assert.That(stale, Is.Empty, "rounds where a reader saw rights from before the write");
    }

    [Test]
    public async Task Search_forms_of_the_spec()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.Users.CreateAsync($"u{i}", Json($$"""{"profileIds":["{{(i % 2 == 0 ? "default" : "admin")}}"],"n":{{i}},"bio":"Hello World {{i}}"}"""), null, cancellationToken: Ct);
        }

        async Task<string[]> Ids(string body, string? koncorde = null, int from = 0, int size = 100)
        {
            var result = await Store.Search.SearchAsync(SecurityCollections.Users, Json(body), koncorde is not null, from, size, null, Ct);
            return [.. result["hits"]!.AsArray().Select(h => h!["_id"]!.GetValue<string>())];
        }

        Assert.That(await Ids("{}"), Is.EqualTo(new[] { "u0", "u1", "u2", "u3", "u4" }));
        Assert.That(await Ids("""{"query":{"term":{"profileIds":"admin"}}}"""), Is.EqualTo(new[] { "u1", "u3" }));
        Assert.That(await Ids("""{"query":{"terms":{"_id":["u1","u4","zz"]}}}"""), Is.EqualTo(new[] { "u1", "u4" }));
        Assert.That(await Ids("""{"query":{"ids":{"values":["u2"]}}}"""), Is.EqualTo(new[] { "u2" }));
        Assert.That(await Ids("""{"query":{"bool":{"must":[{"term":{"profileIds":"default"}}],"must_not":{"term":{"_id":"u0"}}}}}"""), Is.EqualTo(new[] { "u2", "u4" }));
        Assert.That(await Ids("""{"query":{"bool":{"should":[{"term":{"_id":"u0"}},{"term":{"_id":"u3"}}]}}}"""), Is.EqualTo(new[] { "u0", "u3" }));

        // Users map only profileIds (dynamic false): queries on other fields match nothing until the mapping declares them.
        Assert.That(await Ids("""{"query":{"match":{"bio":"world 3"}}}"""), Is.Empty);
        Assert.That(await Ids("""{"query":{"range":{"n":{"gte":1}}}}"""), Is.Empty);
        Assert.That(await Ids("""{"query":{"bool":{"must_not":{"exists":{"field":"bio"}}}}}"""), Has.Length.EqualTo(5));
        Assert.That(await Ids("""{"query":{"exists":{"field":"_kuzzle_info.createdAt"}}}"""), Has.Length.EqualTo(5));
        await Store.Mappings.UpdateAsync(SecurityCollections.Users, Json("""{"properties":{"n":{"type":"integer"},"bio":{"type":"text"}}}"""), Ct);

        Assert.That(await Ids("""{"query":{"match":{"bio":"world 3"}}}"""), Has.Length.EqualTo(5));
        Assert.That(await Ids("""{"query":{"match":{"bio":{"query":"world 3","operator":"and"}}}}"""), Is.EqualTo(new[] { "u3" }));
        Assert.That(await Ids("""{"query":{"range":{"n":{"gte":1,"lt":3}}}}"""), Is.EqualTo(new[] { "u1", "u2" }));
        Assert.That(await Ids("""{"query":{"exists":{"field":"bio"}},"sort":[{"n":"desc"}]}""", from: 1, size: 2), Is.EqualTo(new[] { "u3", "u2" }));
        Assert.That(await Ids("""{"sort":[{"_id":"asc"}],"search_after":["u2"]}""", size: 2), Is.EqualTo(new[] { "u3", "u4" }));
        Assert.That(await Ids("""{"query":{"and":[{"equals":{"profileIds":"admin"}},{"not":{"ids":{"values":["u1"]}}}]}}""", koncorde: "yes"), Is.EqualTo(new[] { "u3" }));
        Assert.That(await Ids("""{"query":{"in":{"_id":["u0","u4"]}}}""", koncorde: "yes"), Is.EqualTo(new[] { "u0", "u4" }));

        Assert.That(await Ids("""{"query":{"term":{"other":"x"}}}"""), Is.Empty);
        await Store.Users.UpdateAsync("u0", Json("""{"other":"x"}"""), null, 10, Ct);
        Assert.That(await Ids("""{"query":{"term":{"other":"x"}}}"""), Is.Empty, "still unmapped");
        await Store.Mappings.UpdateAsync(SecurityCollections.Users, Json("""{"dynamic":"true"}"""), Ct);
        Assert.That(await Ids("""{"query":{"term":{"other":"x"}}}"""), Is.EqualTo(new[] { "u0" }), "mapped dynamically");

        Assert.That(await ErrorIdAsync(() => Ids("""{"query":{"bool":{"must":[]}}}""", koncorde: "yes")), Is.EqualTo("api.assert.koncorde_restricted_keyword"));
        Assert.That(await ErrorIdAsync(() => Ids("""{"nope":1}""")), Is.EqualTo("services.storage.invalid_search_query"));
        Assert.That(await ErrorIdAsync(() => Ids("""{"query":{"regexp":{"a":"b"}}}""")), Is.EqualTo("services.storage.unknown_query_keyword"));
        Assert.That(await ErrorIdAsync(() => Ids("{}", size: 10_001)), Is.EqualTo("services.storage.get_limit_exceeded"));
    }

    [Test]
    public async Task Scroll_ids_walk_every_page_and_cannot_be_forged()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.Profiles.CreateAsync($"p{i}", Json("""{"policies":[{"roleId":"default"}]}"""), null, false, Ct);
        }

        var seen = new List<string>();
        var page = await Store.Search.SearchAsync(SecurityCollections.Profiles, Json("""{"query":{"match_all":{}}}"""), false, 0, 3, TimeSpan.FromSeconds(30), Ct);
        seen.AddRange(page["hits"]!.AsArray().Select(h => h!["_id"]!.GetValue<string>()));
        while (seen.Count < page["total"]!.GetValue<long>())
        {
            page = await Store.Search.ScrollAsync(SecurityCollections.Profiles, page["scrollId"]!.GetValue<string>(), Ct);
            seen.AddRange(page["hits"]!.AsArray().Select(h => h!["_id"]!.GetValue<string>()));
        }

        Assert.That(seen, Is.EqualTo(new[] { "admin", "anonymous", "default", "p0", "p1", "p2", "p3", "p4" }));
        var pastTheEnd = page["scrollId"]!.GetValue<string>();
        Assert.That(await ErrorIdAsync(() => Store.Search.ScrollAsync(SecurityCollections.Profiles, pastTheEnd, Ct)), Is.EqualTo("services.storage.unknown_scroll_id"), "forgotten after the last page");
        Assert.That(await ErrorIdAsync(() => Store.Search.ScrollAsync(SecurityCollections.Profiles, "eyJ9.AAAA", Ct)), Is.EqualTo("services.storage.unknown_scroll_id"));
        Assert.That(await ErrorIdAsync(() => Store.Search.ScrollAsync(SecurityCollections.Users, page["scrollId"]!.GetValue<string>(), Ct)), Is.EqualTo("services.storage.unknown_scroll_id"));
        Assert.That(ErrorId(() => _ = ScrollCursor.ParseDuration("2m")), Is.EqualTo("services.storage.scroll_duration_too_great"));
        Assert.That(ErrorId(() => _ = ScrollCursor.ParseDuration("1e3343")), Is.EqualTo("services.storage.scroll_duration_too_great"), "beyond a TimeSpan");
        Assert.That(ErrorId(() => _ = ScrollCursor.ParseDuration("9e20d")), Is.EqualTo("services.storage.scroll_duration_too_great"));
        Assert.That(ErrorId(() => _ = ScrollCursor.ParseDuration("NaN")), Is.EqualTo("api.assert.invalid_argument"));
        Assert.That(ScrollCursor.ParseDuration("30s"), Is.EqualTo(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public async Task Roles_are_found_by_controller()
    {
        await Store.Roles.CreateAsync("docs", Json("""{"controllers":{"document":{"actions":{"get":true}}}}"""), null, false, false, Ct);
        await Store.Roles.CreateAsync("rt", Json("""{"controllers":{"realtime":{"actions":{"*":true}}}}"""), null, false, false, Ct);
        var result = await Store.Search.SearchRolesByControllersAsync(new HashSet<string> { "document" }, 0, 10, Ct);
        Assert.That(result["hits"]!.AsArray().Select(h => h!["_id"]!.GetValue<string>()), Is.EqualTo(new[] { "admin", "anonymous", "default", "docs" }));
        Assert.That(result["total"]!.GetValue<long>(), Is.EqualTo(4));
    }
}

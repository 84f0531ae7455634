namespace Kuzzle.Realtime.Storage.Tests.Contract;

// Document store: CRUD, conditions, paging, terms, batches and concurrency.
public abstract partial class StorageContract
{
    private const string Users = "users";
    private const string Profiles = "profiles";

    private IDocumentStore Documents => Storage.Documents;

    [Test]
    public async Task Create_then_get_returns_the_document_at_version_1()
    {
        var created = await Documents.CreateAsync(Users, "alice", """{"name":"Alice"}""", cancellationToken: Ct);
        var read = await Documents.GetAsync(Users, "alice", Ct);

        Assert.That(created, Is.EqualTo(new StoredDocument("alice", """{"name":"Alice"}""", 1)));
        Assert.That(read, Is.EqualTo(created));
    }

    [Test]
    public async Task Get_of_a_missing_document_is_null()
    {
        Assert.That(await Documents.GetAsync(Users, "nobody", Ct), Is.Null);
    }

    [Test]
    public async Task Create_of_an_existing_id_throws_and_keeps_the_original()
    {
        await Documents.CreateAsync(Users, "alice", """{"v":1}""", cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<DocumentExistsException>(() => Documents.CreateAsync(Users, "alice", """{"v":2}""", cancellationToken: Ct));

        Assert.That((error!.Collection, error.Id), Is.EqualTo((Users, "alice")));
        Assert.That((await Documents.GetAsync(Users, "alice", Ct))!.Json, Is.EqualTo("""{"v":1}"""));
    }

    [Test]
    public async Task Replace_increments_the_version_and_replaces_the_body()
    {
        await Documents.CreateAsync(Users, "alice", """{"v":1}""", cancellationToken: Ct);

        var second = await Documents.ReplaceAsync(Users, "alice", """{"v":2}""", expectedVersion: 1, cancellationToken: Ct);
        var third = await Documents.ReplaceAsync(Users, "alice", """{"v":3}""", cancellationToken: Ct);

        Assert.That(second.Version, Is.EqualTo(2));
        Assert.That(third.Version, Is.EqualTo(3));
        Assert.That(await Documents.GetAsync(Users, "alice", Ct), Is.EqualTo(new StoredDocument("alice", """{"v":3}""", 3)));
    }

    [Test]
    public async Task Replace_without_a_condition_creates_a_missing_document()
    {
        var created = await Documents.ReplaceAsync(Users, "bob", """{"v":1}""", cancellationToken: Ct);

        Assert.That(created.Version, Is.EqualTo(1));
        Assert.That(await Documents.GetAsync(Users, "bob", Ct), Is.EqualTo(created));
    }

    [Test]
    public async Task Replace_with_a_stale_version_throws_a_conflict_and_writes_nothing()
    {
        await Documents.CreateAsync(Users, "alice", """{"v":1}""", cancellationToken: Ct);
        await Documents.ReplaceAsync(Users, "alice", """{"v":2}""", cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<VersionConflictException>(
            () => Documents.ReplaceAsync(Users, "alice", """{"v":"stale"}""", expectedVersion: 1, cancellationToken: Ct));

        Assert.That((error!.ExpectedVersion, error.ActualVersion), Is.EqualTo((1L, 2L)));
        Assert.That(await Documents.GetAsync(Users, "alice", Ct), Is.EqualTo(new StoredDocument("alice", """{"v":2}""", 2)));
    }

    [Test]
    public async Task Replace_with_a_version_on_a_missing_document_throws_not_found()
    {
        await Assert.ThrowsAsync<DocumentNotFoundException>(
            () => Documents.ReplaceAsync(Users, "ghost", """{"v":1}""", expectedVersion: 1, cancellationToken: Ct));
        Assert.That(await Documents.GetAsync(Users, "ghost", Ct), Is.Null);
    }

    [Test]
    public async Task Delete_removes_once_and_honours_its_condition()
    {
        await Documents.CreateAsync(Users, "alice", "{}", cancellationToken: Ct);
        await Documents.CreateAsync(Users, "bob", "{}", cancellationToken: Ct);

        await Assert.ThrowsAsync<VersionConflictException>(() => Documents.DeleteAsync(Users, "alice", expectedVersion: 7, Ct));
        Assert.That(await Documents.DeleteAsync(Users, "alice", expectedVersion: 1, Ct), Is.True);
        Assert.That(await Documents.DeleteAsync(Users, "alice", cancellationToken: Ct), Is.False);
        await Assert.ThrowsAsync<DocumentNotFoundException>(() => Documents.DeleteAsync(Users, "alice", expectedVersion: 1, Ct));
        Assert.That(await Documents.DeleteAsync(Users, "bob", cancellationToken: Ct), Is.True);
        Assert.That(await Documents.GetAsync(Users, "alice", Ct), Is.Null);
        Assert.That(await Documents.CountAsync(Users, Ct), Is.Zero);
    }

    [Test]
    public async Task A_deleted_id_can_be_created_again()
    {
        await Documents.CreateAsync(Users, "alice", """{"v":1}""", cancellationToken: Ct);
        await Documents.DeleteAsync(Users, "alice", cancellationToken: Ct);

        var again = await Documents.CreateAsync(Users, "alice", """{"v":"again"}""", cancellationToken: Ct);

        Assert.That(again.Version, Is.EqualTo(1));
    }

    [Test]
    public async Task Collections_are_separate_namespaces()
    {
        await Documents.CreateAsync(Users, "same", """{"kind":"user"}""", cancellationToken: Ct);
        await Documents.CreateAsync(Profiles, "same", """{"kind":"profile"}""", cancellationToken: Ct);
        await Documents.CreateAsync("credentials/local", "same", """{"kind":"credentials"}""", cancellationToken: Ct);

        Assert.That((await Documents.GetAsync(Users, "same", Ct))!.Json, Is.EqualTo("""{"kind":"user"}"""));
        Assert.That((await Documents.GetAsync(Profiles, "same", Ct))!.Json, Is.EqualTo("""{"kind":"profile"}"""));
        Assert.That((await Documents.GetAsync("credentials/local", "same", Ct))!.Json, Is.EqualTo("""{"kind":"credentials"}"""));
        Assert.That(await Documents.CountAsync(Users, Ct), Is.EqualTo(1));
    }

    [Test]
    public async Task Ids_and_bodies_keep_any_characters()
    {
        string[] ids = ["kuid#with#hashes", "a:b:c", "spaced id", "ünïcødé-✓", "emoji-😀", "new\nline"];
        const string body = """{"text":"quotes \" and \\ and ✓ and 😀","nested":{"a":[1,2.5,null,true]}}""";
        foreach (var id in ids)
        {
            await Documents.CreateAsync(Users, id, body, cancellationToken: Ct);
        }

        foreach (var id in ids)
        {
            Assert.That((await Documents.GetAsync(Users, id, Ct))?.Json, Is.EqualTo(body), id);
        }

        var listed = await Documents.ListAsync(Users, 0, 100, Ct);
        Assert.That(listed.Items.Select(d => d.Id), Is.EqualTo(ids.Order(StringComparer.Ordinal)));
    }

    [Test]
    public async Task GetMany_returns_found_documents_in_request_order_and_omits_missing()
    {
        await Documents.CreateAsync(Users, "a", """{"n":"a"}""", cancellationToken: Ct);
        await Documents.CreateAsync(Users, "b", """{"n":"b"}""", cancellationToken: Ct);
        await Documents.CreateAsync(Users, "c", """{"n":"c"}""", cancellationToken: Ct);

        var found = await Documents.GetManyAsync(Users, ["c", "missing", "a", "c"], Ct);

        Assert.That(found.Select(d => d.Id), Is.EqualTo(new[] { "c", "a" }));
        Assert.That(found[0], Is.EqualTo(new StoredDocument("c", """{"n":"c"}""", 1)));
        Assert.That(await Documents.GetManyAsync(Users, [], Ct), Is.Empty);
    }

    [Test]
    public async Task List_pages_through_a_collection_in_id_order_with_the_total()
    {
        var ids = Enumerable.Range(0, 25).Select(i => $"user-{i:D2}").ToList();
        foreach (var id in ids.OrderBy(_ => Random.Shared.Next()))
        {
            await Documents.CreateAsync(Users, id, $$"""{"id":"{{id}}"}""", cancellationToken: Ct);
        }

        await Documents.CreateAsync(Profiles, "not-a-user", "{}", cancellationToken: Ct);

        var first = await Documents.ListAsync(Users, 0, 10, Ct);
        var last = await Documents.ListAsync(Users, 20, 10, Ct);
        var beyond = await Documents.ListAsync(Users, 30, 10, Ct);
        var countOnly = await Documents.ListAsync(Users, 0, 0, Ct);

        Assert.That(first.Total, Is.EqualTo(25));
        Assert.That(first.Items.Select(d => d.Id), Is.EqualTo(ids.Take(10)));
        Assert.That(first.Items[3].Json, Is.EqualTo("""{"id":"user-03"}"""));
        Assert.That(last.Items.Select(d => d.Id), Is.EqualTo(ids.Skip(20)));
        Assert.That(beyond.Items, Is.Empty);
        Assert.That(beyond.Total, Is.EqualTo(25));
        Assert.That(countOnly.Items, Is.Empty);
        Assert.That(countOnly.Total, Is.EqualTo(25));
        Assert.That(await Documents.CountAsync(Users, Ct), Is.EqualTo(25));
        Assert.That(await Documents.CountAsync("empty-collection", Ct), Is.Zero);
    }

    [Test]
    public async Task Terms_find_documents_and_follow_replace_and_delete()
    {
        await Documents.CreateAsync(Users, "u1", "{}", [new("profileIds", "admin"), new("profileIds", "default")], Ct);
        await Documents.CreateAsync(Users, "u2", "{}", [new("profileIds", "default")], Ct);
        await Documents.CreateAsync(Profiles, "p1", "{}", [new("profileIds", "admin")], Ct);

        Assert.That(await FindIdsAsync(Users, "profileIds", "admin"), Is.EqualTo(new[] { "u1" }));
        Assert.That(await FindIdsAsync(Users, "profileIds", "default"), Is.EqualTo(new[] { "u1", "u2" }));
        Assert.That(await Documents.CountByTermAsync(Users, "profileIds", "default", Ct), Is.EqualTo(2));

        // A replace carries the whole new term set: old terms are gone.
        await Documents.ReplaceAsync(Users, "u1", """{"v":2}""", expectedVersion: 1, terms: [new("profileIds", "editor")], cancellationToken: Ct);

        Assert.That(await FindIdsAsync(Users, "profileIds", "admin"), Is.Empty);
        Assert.That(await FindIdsAsync(Users, "profileIds", "default"), Is.EqualTo(new[] { "u2" }));
        Assert.That(await FindIdsAsync(Users, "profileIds", "editor"), Is.EqualTo(new[] { "u1" }));
        Assert.That((await Documents.FindByTermAsync(Users, "profileIds", "editor", 0, 10, Ct)).Items[0].Json, Is.EqualTo("""{"v":2}"""));

        // A replace without terms drops them all; a delete too.
        await Documents.ReplaceAsync(Users, "u1", "{}", cancellationToken: Ct);
        await Documents.DeleteAsync(Users, "u2", cancellationToken: Ct);

        Assert.That(await Documents.CountByTermAsync(Users, "profileIds", "editor", Ct), Is.Zero);
        Assert.That(await Documents.CountByTermAsync(Users, "profileIds", "default", Ct), Is.Zero);
        Assert.That(await FindIdsAsync(Profiles, "profileIds", "admin"), Is.EqualTo(new[] { "p1" }));
    }

    [Test]
    public async Task Terms_match_fields_and_values_exactly()
    {
        await Documents.CreateAsync("credentials/local", "najada", "{}", [new("username", "najada"), new("userId", "kuid:1")], Ct);

        Assert.That(await FindIdsAsync("credentials/local", "userId", "kuid:1"), Is.EqualTo(new[] { "najada" }));
        Assert.That(await FindIdsAsync("credentials/local", "userId", "kuid"), Is.Empty);
        Assert.That(await FindIdsAsync("credentials/local", "username", "Najada"), Is.Empty);
        Assert.That(await FindIdsAsync("credentials/local", "userid", "kuid:1"), Is.Empty);
    }

    [Test]
    public async Task FindByTerm_pages_in_id_order_with_the_total()
    {
        for (var i = 14; i >= 0; i--)
        {
            var terms = new IndexTerm[] { new("userId", i % 3 == 0 ? "kuid-a" : "kuid-b") };
            await Documents.CreateAsync("api-keys", $"key-{i:D2}", "{}", terms, Ct);
        }

        var page = await Documents.FindByTermAsync("api-keys", "userId", "kuid-a", 1, 2, Ct);

        Assert.That(page.Total, Is.EqualTo(5));
        Assert.That(page.Items.Select(d => d.Id), Is.EqualTo(new[] { "key-03", "key-06" }));
        Assert.That((await Documents.FindByTermAsync("api-keys", "userId", "kuid-a", 0, 0, Ct)).Total, Is.EqualTo(5));
    }

    [Test]
    public async Task A_batch_applies_every_operation_across_collections()
    {
        await Documents.CreateAsync(Profiles, "editor", """{"v":1}""", cancellationToken: Ct);
        await Documents.CreateAsync("roles", "old-role", "{}", cancellationToken: Ct);

        var results = await Documents.ExecuteAsync(
            new WriteBatch()
                .Create(Users, "u1", """{"profileIds":["editor"]}""", [new("profileIds", "editor")])
                .Replace(Profiles, "editor", """{"v":2}""", expectedVersion: 1)
                .Delete("roles", "old-role", expectedVersion: 1)
                .Delete("roles", "never-existed"),
            Ct);

        Assert.That(results, Is.EqualTo(new[]
        {
            new WriteResult(WriteKind.Create, Users, "u1", 1),
            new WriteResult(WriteKind.Replace, Profiles, "editor", 2),
            new WriteResult(WriteKind.Delete, "roles", "old-role", 1),
            new WriteResult(WriteKind.Delete, "roles", "never-existed", 0),
        }));
        Assert.That(await FindIdsAsync(Users, "profileIds", "editor"), Is.EqualTo(new[] { "u1" }));
        Assert.That((await Documents.GetAsync(Profiles, "editor", Ct))!.Version, Is.EqualTo(2));
        Assert.That(await Documents.GetAsync("roles", "old-role", Ct), Is.Null);
    }

    [Test]
    public async Task A_batch_whose_third_operation_conflicts_writes_nothing()
    {
        await Documents.CreateAsync(Profiles, "p1", """{"v":1}""", [new("tags", "before")], Ct);
        await Documents.CreateAsync("roles", "r1", """{"v":1}""", cancellationToken: Ct);
        await Documents.ReplaceAsync("roles", "r1", """{"v":2}""", cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<VersionConflictException>(() => Documents.ExecuteAsync(
            new WriteBatch()
                .Create(Users, "u1", "{}", [new("profileIds", "p1")])
                .Replace(Profiles, "p1", """{"v":"changed"}""", expectedVersion: 1, terms: [new("tags", "after")])
                .Replace("roles", "r1", """{"v":"stale"}""", expectedVersion: 1)
                .Delete(Users, "someone-else"),
            Ct));

        Assert.That((error!.Collection, error.Id), Is.EqualTo(("roles", "r1")));
        Assert.That(await Documents.GetAsync(Users, "u1", Ct), Is.Null);
        Assert.That(await Documents.CountByTermAsync(Users, "profileIds", "p1", Ct), Is.Zero);
        Assert.That(await Documents.GetAsync(Profiles, "p1", Ct), Is.EqualTo(new StoredDocument("p1", """{"v":1}""", 1)));
        Assert.That(await FindIdsAsync(Profiles, "tags", "before"), Is.EqualTo(new[] { "p1" }));
        Assert.That(await FindIdsAsync(Profiles, "tags", "after"), Is.Empty);
        Assert.That((await Documents.GetAsync("roles", "r1", Ct))!.Json, Is.EqualTo("""{"v":2}"""));
    }

    [Test]
    public async Task A_batch_failing_on_create_or_missing_document_writes_nothing()
    {
        await Documents.CreateAsync(Users, "taken", "{}", cancellationToken: Ct);

        await Assert.ThrowsAsync<DocumentExistsException>(() => Documents.ExecuteAsync(
            new WriteBatch().Replace(Users, "a", "{}").Create(Users, "taken", """{"v":2}"""),
            Ct));
        await Assert.ThrowsAsync<DocumentNotFoundException>(() => Documents.ExecuteAsync(
            new WriteBatch().Delete(Users, "taken").Delete(Users, "ghost", expectedVersion: 1),
            Ct));

        Assert.That(await Documents.GetAsync(Users, "a", Ct), Is.Null);
        Assert.That(await Documents.GetAsync(Users, "taken", Ct), Is.EqualTo(new StoredDocument("taken", "{}", 1)));
        Assert.That(await Documents.ExecuteAsync(new WriteBatch(), Ct), Is.Empty);
    }

    [Test]
    public async Task A_large_batch_is_still_all_or_nothing()
    {
        await Documents.CreateAsync("roles", "last", "{}", cancellationToken: Ct);
        var batch = new WriteBatch();
        for (var i = 0; i < 300; i++)
        {
            batch.Create(Users, $"bulk-{i:D3}", $$"""{"i":{{i}}}""", [new("group", (i % 2).ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        }

        var failing = new WriteBatch();
        foreach (var operation in batch.Operations)
        {
            failing.Create(operation.Collection, operation.Id, operation.Json!, [.. operation.Terms]);
        }

        failing.Create("roles", "last", "{}");

        await Assert.ThrowsAsync<DocumentExistsException>(() => Documents.ExecuteAsync(failing, Ct));
        Assert.That(await Documents.CountAsync(Users, Ct), Is.Zero);
        Assert.That(await Documents.CountByTermAsync(Users, "group", "1", Ct), Is.Zero);

        var results = await Documents.ExecuteAsync(batch, Ct);

        Assert.That(results, Has.Count.EqualTo(300));
        Assert.That(await Documents.CountAsync(Users, Ct), Is.EqualTo(300));
        Assert.That(await Documents.CountByTermAsync(Users, "group", "1", Ct), Is.EqualTo(150));
    }

    [Test]
    public async Task Concurrent_optimistic_increments_never_lose_an_update()
    {
        const int writers = 8;
        const int incrementsPerWriter = 15;
        await Documents.CreateAsync("config", "counter", """{"n":0}""", cancellationToken: Ct);
        var conflicts = 0;

        async Task IncrementAsync()
        {
            for (var done = 0; done < incrementsPerWriter;)
            {
                var current = (await Documents.GetAsync("config", "counter", Ct))!;
                var n = int.Parse(current.Json.AsSpan(5, current.Json.Length - 6), System.Globalization.CultureInfo.InvariantCulture);
                try
                {
                    await Documents.ReplaceAsync("config", "counter", $$"""{"n":{{n + 1}}}""", current.Version, cancellationToken: Ct);
                    done++;
                }
                catch (VersionConflictException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(IncrementAsync, Ct)));

        var final = (await Documents.GetAsync("config", "counter", Ct))!;
        Assert.That(final.Json, Is.EqualTo($$"""{"n":{{writers * incrementsPerWriter}}}"""));
        Assert.That(final.Version, Is.EqualTo(writers * incrementsPerWriter + 1));
        TestContext.Out.WriteLine($"conflicts retried: {conflicts}");
    }

    [Test]
    public async Task Concurrent_creates_of_one_id_let_exactly_one_win()
    {
        var attempts = Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            try
            {
                await Documents.CreateAsync(Users, "contended", $$"""{"writer":{{i}}}""", cancellationToken: Ct);
                return true;
            }
            catch (DocumentExistsException)
            {
                return false;
            }
        }, Ct));

        var outcomes = await Task.WhenAll(attempts);

        Assert.That(outcomes.Count(won => won), Is.EqualTo(1));
        Assert.That((await Documents.GetAsync(Users, "contended", Ct))!.Version, Is.EqualTo(1));
    }

    [Test]
    public async Task Invalid_arguments_are_rejected_before_storage()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Documents.CreateAsync(Users, "x", "[1,2]", cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Documents.CreateAsync(Users, "x", "{\"a\":", cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Documents.CreateAsync(Users, "x", "{} {}", cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Documents.CreateAsync("bad:collection", "x", "{}", cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Documents.CreateAsync(Users, "", "{}", cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Documents.CreateAsync(Users, "x", "{}", [new("bad:field", "v")], Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Documents.ListAsync(Users, -1, 10, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Documents.ReplaceAsync(Users, "x", "{}", expectedVersion: 0, cancellationToken: Ct));
    }

    private async Task<IEnumerable<string>> FindIdsAsync(string collection, string field, string value)
        => (await Documents.FindByTermAsync(collection, field, value, 0, 100, Ct)).Items.Select(d => d.Id);
}

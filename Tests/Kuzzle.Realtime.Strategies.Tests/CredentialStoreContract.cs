using System.Text.Json;
using Kuzzle.Realtime.Strategies;
using static Kuzzle.Realtime.Strategies.Tests.TestSupport;

namespace Kuzzle.Realtime.Strategies.Tests;

/// <summary>
/// What every <see cref="IStrategyCredentialStore"/> must do; a host store's tests inherit this fixture and supply
/// <see cref="CreateStore"/> (each call a fresh, empty store).
/// </summary>
public abstract class CredentialStoreContract
{
    protected abstract IStrategyCredentialStore CreateStore();

    [Test]
    public async Task Create_get_replace_delete_with_versions()
    {
        var store = CreateStore();
        Assert.That(await store.GetAsync("users", "jdoe"), Is.Null);

        var v1 = await store.PutAsync("users", "jdoe", Json("""{"kuid":"k1","n":1}"""), StrategyDocument.Absent);
        Assert.That(v1, Is.GreaterThan(0));
        var read = (await store.GetAsync("users", "jdoe"))!;
        Assert.That((read.Id, read.Version, read.Source.GetProperty("n").GetInt32()), Is.EqualTo(("jdoe", v1, 1)));

        var v2 = await store.PutAsync("users", "jdoe", Json("""{"kuid":"k1","n":2}"""), v1);
        Assert.That(v2, Is.Not.EqualTo(v1));
        Assert.That((await store.GetAsync("users", "jdoe"))!.Source.GetProperty("n").GetInt32(), Is.EqualTo(2));

        Assert.That(await store.DeleteAsync("users", "jdoe", v2), Is.True);
        Assert.That(await store.GetAsync("users", "jdoe"), Is.Null);
        Assert.That(await store.DeleteAsync("users", "jdoe"), Is.False);
    }

    [Test]
    public async Task Conflicts()
    {
        var store = CreateStore();
        var v1 = await store.PutAsync("users", "jdoe", Json("""{"kuid":"k1"}"""), StrategyDocument.Absent);
        await Assert.ThrowsAsync<StrategyStoreConflictException>(async () => await store.PutAsync("users", "jdoe", Json("""{"kuid":"k2"}"""), StrategyDocument.Absent));
        await Assert.ThrowsAsync<StrategyStoreConflictException>(async () => await store.PutAsync("users", "jdoe", Json("""{"kuid":"k2"}"""), v1 + 100));
        await Assert.ThrowsAsync<StrategyStoreConflictException>(async () => await store.PutAsync("users", "ghost", Json("""{"kuid":"k2"}"""), v1));
        await Assert.ThrowsAsync<StrategyStoreConflictException>(async () => await store.DeleteAsync("users", "jdoe", v1 + 100));
        Assert.That((await store.GetAsync("users", "jdoe"))!.Source.GetProperty("kuid").GetString(), Is.EqualTo("k1"));
    }

    [Test]
    public async Task Only_one_of_two_concurrent_creates_wins()
    {
        var store = CreateStore();
        var attempts = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await store.PutAsync("users", "race", Json($$"""{"kuid":"k{{i}}"}"""), StrategyDocument.Absent);
                return true;
            }
            catch (StrategyStoreConflictException)
            {
                return false;
            }
        }));
        Assert.That((await Task.WhenAll(attempts)).Count(won => won), Is.EqualTo(1));
    }

    [Test]
    public async Task Find_is_an_exact_match_on_a_top_level_string_field_in_id_order()
    {
        var store = CreateStore();
        await store.PutAsync("users", "b", Json("""{"kuid":"k1"}"""), StrategyDocument.Absent);
        await store.PutAsync("users", "a", Json("""{"kuid":"k1"}"""), StrategyDocument.Absent);
        await store.PutAsync("users", "c", Json("""{"kuid":"K1"}"""), StrategyDocument.Absent);
        await store.PutAsync("users", "d", Json("""{"nested":{"kuid":"k1"}}"""), StrategyDocument.Absent);
        await store.PutAsync("config", "e", Json("""{"kuid":"k1"}"""), StrategyDocument.Absent);

        var hits = await store.FindAsync("users", "kuid", "k1", 10);
        Assert.That(hits.Select(h => h.Id), Is.EqualTo(new[] { "a", "b" }));
        Assert.That((await store.FindAsync("users", "kuid", "k1", 1)).Select(h => h.Id), Is.EqualTo(new[] { "a" }));
        Assert.That(await store.FindAsync("users", "kuid", "k", 10), Is.Empty);
    }

    [Test]
    public async Task Collections_are_separate_and_documents_are_snapshots()
    {
        var store = CreateStore();
        using var source = JsonDocument.Parse("""{"secret":"s"}""");
        await store.PutAsync("config", "x", source.RootElement, StrategyDocument.Absent);
        Assert.That(await store.GetAsync("users", "x"), Is.Null);
        var read = await store.GetAsync("config", "x");
        source.Dispose();
        // The stored copy outlives the caller's JsonDocument.
        Assert.That((await store.GetAsync("config", "x"))!.Source.GetProperty("secret").GetString(), Is.EqualTo("s"));
        Assert.That(read!.Source.GetProperty("secret").GetString(), Is.EqualTo("s"));
    }
}

public sealed class InMemoryCredentialStoreTests : CredentialStoreContract
{
    protected override IStrategyCredentialStore CreateStore() => new InMemoryCredentialStore();
}

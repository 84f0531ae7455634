using Kuzzle.Realtime.Koncorde.Tests.Support;

namespace Kuzzle.Realtime.Koncorde.Tests;

public sealed class EngineTests
{
    [Test]
    public void Store_is_idempotent_and_remove_forgets()
    {
        var engine = new KoncordeEngine();
        var filter = JsonText.Parse("""{"equals":{"a":1}}""");
        var id = engine.Register("i/c", filter);
        Assert.That(engine.Register("i/c", filter), Is.EqualTo(id));
        Assert.That(engine.FilterCount, Is.EqualTo(1));
        Assert.That(engine.Has(id), Is.True);
        Assert.That(engine.GetFilterIds("i/c"), Is.EqualTo(new[] { id }));
        Assert.That(engine.Indexes, Is.EqualTo(new[] { "i/c" }));

        engine.Remove(id);
        engine.Remove(id);
        engine.Remove("unknown");
        Assert.That(engine.Has(id), Is.False);
        Assert.That(engine.FilterCount, Is.Zero);
        Assert.That(engine.Indexes, Is.Empty);
        Assert.That(engine.GetFilterIds("i/c"), Is.Empty);
        Assert.That(engine.Test("i/c", JsonText.Parse("""{"a":1}""")), Is.Empty);
    }

    [Test]
    public void Indexes_are_isolated()
    {
        var engine = new KoncordeEngine();
        var filter = JsonText.Parse("""{"equals":{"a":1}}""");
        var one = engine.Register("i/one", filter);
        var two = engine.Register("i/two", filter);
        Assert.That(engine.Test("i/one", JsonText.Parse("""{"a":1}""")), Is.EqualTo(new[] { one }));
        Assert.That(engine.Test("i/two", JsonText.Parse("""{"a":1}""")), Is.EqualTo(new[] { two }));
        Assert.That(engine.Test("i/three", JsonText.Parse("""{"a":1}""")), Is.Empty);
    }

    [Test]
    public void Shared_subfilters_survive_the_removal_of_one_owner()
    {
        var harness = new Harness();
        var both = harness.Register("""{"or":[{"equals":{"a":1}},{"equals":{"b":2}}]}""");
        var one = harness.Register("""{"equals":{"a":1}}""");
        Assert.That(harness.Test("""{"a":1}"""), Is.EquivalentTo(new[] { both, one }));
        harness.Engine.Remove(both);
        Assert.That(harness.Test("""{"a":1}"""), Is.EqualTo(new[] { one }));
        Assert.That(harness.Test("""{"b":2}"""), Is.Empty);
        harness.Engine.Remove(one);
        Assert.That(harness.Test("""{"a":1}"""), Is.Empty);
    }

    [Test]
    public void A_filter_is_reported_once_even_when_several_subfilters_match()
    {
        var harness = new Harness();
        var id = harness.Register("""{"or":[{"equals":{"a":1}},{"exists":"a"},{"range":{"a":{"gte":0}}}]}""");
        Assert.That(harness.Test("""{"a":1}"""), Is.EqualTo(new[] { id }));
    }

    [Test]
    public void Non_object_documents_only_expose_their_id()
    {
        var harness = new Harness();
        var id = harness.Register("""{"ids":{"values":["x"]}}""");
        var missing = harness.Register("""{"missing":"a"}""");
        Assert.That(harness.Test("[1,2]", "x"), Is.EquivalentTo(new[] { id, missing }));
    }

    [Test]
    public void Duplicate_keys_keep_the_last_value_like_json_parse_on_both_lookup_paths()
    {
        // One top-level field: direct property lookups.
        Assert.That(Harness.Matches("""{"equals":{"a":2}}""", """{"a":1,"a":2}"""), Is.True);

        // A nested path forces the document walk.
        var harness = new Harness();
        var id = harness.Register("""{"equals":{"a":2}}""");
        harness.Register("""{"exists":"o.p"}""");
        Assert.That(harness.Test("""{"a":1,"a":2}"""), Is.EqualTo(new[] { id }));
    }

    [Test]
    public void Invalid_seed_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new KoncordeEngine(new KoncordeOptions { Seed = "short" }));
    }
}

using Kuzzle.Realtime.Koncorde.Tests.Support;

namespace Kuzzle.Realtime.Koncorde.Tests;

/// <summary>Normalisation examples and room id vectors of the reference (realtime.md §7.2, §7.3).</summary>
public sealed class RoomIdVectorTests
{
    [TestCase("{}", "508a79aa1dd1118a980a3cbeb403662fd5c4cd9885c632ea19c03d236f3cd110")]
    [TestCase("""{"equals":{"licence":"B"}}""", "8885ec73dc652f4dc130038d657605a518b1a8e2dad7d33af0a90a447f9c41b8")]
    [TestCase("""{"exists":"name"}""", "278a303b59e3547d28498b5f4be160b8f4d07ba1d7ce95bf3d8703d52ce8d425")]
    public void Room_ids_match_Kuzzle(string filter, string roomId)
    {
        var normalized = new Harness().Normalize(filter);
        Assert.That(normalized.Id, Is.EqualTo(roomId));
        Assert.That(normalized.Index, Is.EqualTo(Harness.Index));
    }

    [TestCase("{}", """[[{"everything":true}]]""")]
    [TestCase("""{"equals":{"licence":"B"}}""", """[[{"equals":{"licence":"B"},"not":false}]]""")]
    [TestCase("""{"in":{"licence":["A","B"]}}""", """[[{"equals":{"licence":"A"},"not":false}],[{"equals":{"licence":"B"},"not":false}]]""")]
    [TestCase("""{"missing":"name"}""", """[[{"exists":{"array":false,"path":"name","value":null},"not":true}]]""")]
    [TestCase("""{"exists":"tags[\"x\"]"}""", """[[{"exists":{"array":true,"path":"tags","value":"x"},"not":false}]]""")]
    [TestCase("""{"and":[{"equals":{"a":1}},{"equals":{"a":2}}]}""", """[[{"nothing":true}]]""")]
    [TestCase(
        """{"and":[{"equals":{"a":1}},{"exists":"b"},{"range":{"c":{"gt":0}}},{"equals":{"d":2}}]}""",
        """[[{"equals":{"a":1},"not":false},{"equals":{"d":2},"not":false},{"exists":{"array":false,"path":"b","value":null},"not":false},{"not":false,"range":{"c":{"gt":0}}}]]""")]
    [TestCase(
        """{"in":{"a":["v5","v1","v3"]}}""",
        """[[{"equals":{"a":"v5"},"not":false}],[{"equals":{"a":"v1"},"not":false}],[{"equals":{"a":"v3"},"not":false}]]""")]
    [TestCase(
        """{"or":[{"equals":{"a":1}},{"and":[{"equals":{"b":1}},{"equals":{"c":1}}]}]}""",
        """[[{"equals":{"b":1},"not":false},{"equals":{"c":1},"not":false}],[{"equals":{"a":1},"not":false}]]""")]
    public void Canonical_forms_match_the_reference(string filter, string canonical)
    {
        Assert.That(new Harness().Normalize(filter).CanonicalJson, Is.EqualTo(canonical));
    }

    [Test]
    public void In_and_or_of_equals_share_a_room()
    {
        var harness = new Harness();
        var a = harness.Normalize("""{"in":{"licence":["A","B"]}}""");
        var b = harness.Normalize("""{"or":[{"equals":{"licence":"A"}},{"equals":{"licence":"B"}}]}""");
        Assert.That(a.Id, Is.EqualTo(b.Id));
    }

    [Test]
    public void Documented_equivalent_filters_share_a_room()
    {
        var harness = new Harness();
        var a = harness.Normalize("""{"and":[{"not":{"in":{"f":["foo","bar"]}}},{"missing":{"field":"g"}}]}""");
        var b = harness.Normalize("""{"not":{"or":[{"or":[{"equals":{"f":"foo"}},{"equals":{"f":"bar"}}]},{"exists":{"field":"g"}}]}}""");
        Assert.That(a.Id, Is.EqualTo(b.Id));
    }

    [Test]
    public void Same_keyword_order_is_kept_so_ids_differ()
    {
        var harness = new Harness();
        var a = harness.Normalize("""{"and":[{"equals":{"licence":"B"}},{"equals":{"car":"berline"}}]}""");
        var b = harness.Normalize("""{"and":[{"equals":{"car":"berline"}},{"equals":{"licence":"B"}}]}""");
        Assert.That(a.Id, Is.Not.EqualTo(b.Id));
    }

    [Test]
    public void Index_is_part_of_the_id()
    {
        var engine = new KoncordeEngine();
        var filter = JsonText.Parse("""{"equals":{"a":1}}""");
        Assert.That(engine.Normalize("i/c1", filter).Id, Is.Not.EqualTo(engine.Normalize("i/c2", filter).Id));
    }

    [Test]
    public void Seed_is_part_of_the_id()
    {
        var filter = JsonText.Parse("{}");
        var other = new KoncordeEngine(new KoncordeOptions { Seed = new string('x', 32) });
        Assert.That(other.Normalize(Harness.Index, filter).Id, Is.Not.EqualTo("508a79aa1dd1118a980a3cbeb403662fd5c4cd9885c632ea19c03d236f3cd110"));
    }
}

namespace Kuzzle.Realtime.Storage.Tests;

/// <summary>Batch building rules that need no store.</summary>
public sealed class WriteBatchTests
{
    [Test]
    public void A_batch_keeps_operations_in_order()
    {
        var batch = new WriteBatch()
            .Create("users", "u1", "{}", [new("profileIds", "a"), new("profileIds", "a")])
            .Replace("profiles", "p1", """{"x":1}""", expectedVersion: 3)
            .Delete("users", "u2");

        Assert.That(batch.Operations.Select(o => (o.Kind, o.Collection, o.Id, o.ExpectedVersion)), Is.EqualTo(new[]
        {
            (WriteKind.Create, "users", "u1", (long?)null),
            (WriteKind.Replace, "profiles", "p1", 3L),
            (WriteKind.Delete, "users", "u2", null),
        }));
        Assert.That(batch.Operations[0].Terms, Is.EqualTo(new IndexTerm[] { new("profileIds", "a") }));
    }

    [Test]
    public void A_batch_refuses_to_touch_a_document_twice()
    {
        var batch = new WriteBatch().Create("users", "u1", "{}");

        Assert.Throws<ArgumentException>(() => batch.Delete("users", "u1"));
        Assert.That(batch.Operations, Has.Count.EqualTo(1));
        Assert.DoesNotThrow(() => batch.Delete("profiles", "u1"));
    }
}

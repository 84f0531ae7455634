using Kuzzle.Realtime.Koncorde.Matching;
using Kuzzle.Realtime.Koncorde.Tests.Support;

namespace Kuzzle.Realtime.Koncorde.Tests;

/// <summary>
/// Engines holding equalities on a few top-level fields only are tested without subfilter counters; these cases
/// check that this path gives the general path's results, and the reader/writer lock it runs under.
/// </summary>
public sealed class EqualsOnlyPathTests
{
    [Test]
    public void A_filter_completed_by_two_fields_is_reported_once()
    {
        var harness = new Harness();
        var either = harness.Register("""{"or":[{"equals":{"a":1}},{"equals":{"b":"x"}}]}""");
        var onlyB = harness.Register("""{"equals":{"b":"y"}}""");

        Assert.That(harness.Test("""{"a":1,"b":"x"}"""), Is.EqualTo(new[] { either }));
        Assert.That(harness.Test("""{"a":1,"b":"y"}"""), Is.EquivalentTo(new[] { either, onlyB }));
        Assert.That(harness.Test("""{"a":2,"b":"z"}"""), Is.Empty);
        Assert.That(harness.Test("""[1]"""), Is.Empty);
    }

    [Test]
    public void Shared_and_combined_equalities_fall_back_to_counting()
    {
        var harness = new Harness();
        var both = harness.Register("""{"and":[{"equals":{"a":1}},{"equals":{"b":"x"}}]}""");
        var aOnly = harness.Register("""{"equals":{"a":1}}""");
        var aAgain = harness.Register("""{"or":[{"equals":{"a":1}},{"equals":{"c":true}}]}""");

        Assert.That(harness.Test("""{"a":1}"""), Is.EquivalentTo(new[] { aOnly, aAgain }));
        Assert.That(harness.Test("""{"a":1,"b":"x"}"""), Is.EquivalentTo(new[] { both, aOnly, aAgain }));
        Assert.That(harness.Test("""{"b":"x","c":true}"""), Is.EqualTo(new[] { aAgain }));
    }

    [Test]
    public void The_document_id_overrides_an_id_property()
    {
        var harness = new Harness();
        var byId = harness.Register("""{"equals":{"_id":"doc1"}}""");
        var byA = harness.Register("""{"equals":{"a":1}}""");

        Assert.That(harness.Test("""{"a":1}""", "doc1"), Is.EquivalentTo(new[] { byId, byA }));
        Assert.That(harness.Test("""{"_id":"doc1"}""", "doc2"), Is.Empty);
        Assert.That(harness.Test("""{"_id":"doc2","a":1}""", "doc1"), Is.EquivalentTo(new[] { byId, byA }));
        Assert.That(harness.Test("""{"a":2}"""), Is.Empty);
    }

    [Test]
    public void Other_keywords_joining_and_leaving_switch_paths()
    {
        var harness = new Harness();
        var equals = harness.Register("""{"equals":{"a":1}}""");
        Assert.That(harness.Test("""{"a":1,"n":5}"""), Is.EqualTo(new[] { equals }));

        var range = harness.Register("""{"range":{"n":{"gte":0}}}""");
        var missing = harness.Register("""{"not":{"exists":"z"}}""");
        Assert.That(harness.Test("""{"a":1,"n":5}"""), Is.EquivalentTo(new[] { equals, range, missing }));

        harness.Engine.Remove(range);
        harness.Engine.Remove(missing);
        Assert.That(harness.Test("""{"a":1,"n":5}"""), Is.EqualTo(new[] { equals }));
        Assert.That(harness.Test("""{"a":2,"n":5}"""), Is.Empty);
    }

    [Test]
    public void Raw_lookups_detect_a_backslash_anywhere()
    {
        var map = new Utf8KeyMap<string>();
        for (var length = 0; length <= 24; length++)
        {
            var plain = new string('k', length);
            map.Set(plain, plain);
            Assert.That(map.GetUnescaped(System.Text.Encoding.UTF8.GetBytes(plain), out var escaped), Is.EqualTo(plain));
            Assert.That(escaped, Is.False);
            for (var at = 0; at < length; at++)
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(plain);
                bytes[at] = (byte)'\\';
                Assert.That(map.GetUnescaped(bytes, out escaped), Is.Null);
                Assert.That(escaped, Is.True, $"length {length}, backslash at {at}");
            }
        }
    }

    [TestCase("""{"s":"a\u0062c"}""", true)]
    [TestCase("""{"s":"abc\n"}""", false)]
    [TestCase("""{"s":"\u0061bc"}""", true)]
    public void Escaped_document_strings_are_decoded_before_lookup(string document, bool expected)
    {
        Assert.That(Harness.Matches("""{"equals":{"s":"abc"}}""", document), Is.EqualTo(expected));
    }

    [Test]
    [CancelAfter(10000)]
    public void Nested_reads_hold_writers_back_until_the_outer_read_ends()
    {
        var first = new ReadMostlyLock();
        var second = new ReadMostlyLock();
        var outer = first.EnterRead();
        var inner = first.EnterRead();
        var other = second.EnterRead();
        var written = 0;
        var writer = Task.Run(() =>
        {
            first.EnterWrite();
            Volatile.Write(ref written, 1);
            first.ExitWrite();
        });

        Thread.Sleep(50);
        first.ExitRead(inner);
        second.ExitRead(other);
        Thread.Sleep(50);
        Assert.That(Volatile.Read(ref written), Is.Zero);

        first.ExitRead(outer);
        writer.Wait();
        Assert.That(Volatile.Read(ref written), Is.EqualTo(1));

        // The slot is free again: a later read does not wait for anything.
        var again = first.EnterRead();
        first.ExitRead(again);
    }
}

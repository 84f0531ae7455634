using System.Text;
using Kuzzle.Realtime.Koncorde.Matching;
using Kuzzle.Realtime.Koncorde.Tests.Support;

namespace Kuzzle.Realtime.Koncorde.Tests;

/// <summary>
/// Prepared documents (KoncordeDocument): what they read once must give what the parsed document gives (the
/// harness also checks every test of the suite this way), including when one instance is reused.
/// </summary>
public sealed class PreparedDocumentTests
{
    [Test]
    public void Large_documents_with_duplicates_keep_the_last_value()
    {
        var harness = new Harness();
        var one = harness.Register("""{"equals":{"k7":1}}""");
        var two = harness.Register("""{"equals":{"k7":2}}""");
        var text = harness.Register("""{"equals":{"s":"a long value with an é and a \" quote, past 48 bytes of text"}}""");

        var properties = string.Join(",", Enumerable.Range(0, 20).Select(i => $"\"k{i}\":{i}"));
        Assert.That(harness.Test($$"""{{{properties}},"k7":1}"""), Is.EqualTo(new[] { one }));
        Assert.That(harness.Test($$"""{"k7":1,{{properties}},"k7":2}"""), Is.EqualTo(new[] { two }));
        Assert.That(harness.Test($$"""{{{properties}},"s":"a long value with an \u00e9 and a \" quote, past 48 bytes of text"}"""), Is.EqualTo(new[] { text }));
    }

    [Test]
    public void One_instance_reused_across_documents_and_ids()
    {
        var harness = new Harness();
        var byA = harness.Register("""{"equals":{"a":"x"}}""");
        var byId = harness.Register("""{"ids":{"values":["doc1"]}}""");
        var range = harness.Register("""{"range":{"n":{"gt":0}}}""");
        var engine = harness.Engine;
        var matches = new List<string>();
        using var document = new KoncordeDocument();

        document.Load(Encoding.UTF8.GetBytes("""{"a":"x"}"""), "doc1");
        Assert.That(engine.Test(Harness.Index, document, matches), Is.EqualTo(2));
        Assert.That(matches, Is.EquivalentTo(new[] { byA, byId }));

        // A long escaped value grows the decoded buffer; the id written before it must survive.
        var escaped = string.Concat(Enumerable.Repeat("\\u0078", 40));
        document.Load(Encoding.UTF8.GetBytes($$"""{"a":"{{escaped}}","n":1}"""), "doc1");
        matches.Clear();
        engine.Test(Harness.Index, document, matches);
        Assert.That(matches, Is.EquivalentTo(new[] { byId, range }));

        document.Load(Encoding.UTF8.GetBytes("""{"a":"\u0078"}"""));
        Assert.That(engine.Test(Harness.Index, document), Is.EqualTo(new[] { byA }));
        Assert.That(engine.Test("no/index", document), Is.Empty);
    }

    [Test]
    public void Text_not_backed_by_an_array_is_read_too()
    {
        var harness = new Harness();
        var id = harness.Register("""{"equals":{"a":"x"}}""");
        using var native = new NativeText(Encoding.UTF8.GetBytes("""{"b":1,"a":"x"}"""));
        using var document = KoncordeDocument.Create(native.Memory);
        Assert.That(harness.Engine.Test(Harness.Index, document), Is.EqualTo(new[] { id }));
    }

    [Test]
    public void Text_that_is_not_json_throws_when_a_parse_is_needed()
    {
        var harness = new Harness();
        harness.Register("""{"equals":{"a":1}}""");
        using var document = KoncordeDocument.Create(Encoding.UTF8.GetBytes("""{"a":1"""));
        Assert.Throws(Is.InstanceOf<System.Text.Json.JsonException>(), () => harness.Engine.Test(Harness.Index, document));
    }

    [Test]
    public void The_hash_sees_every_backslash_and_depends_on_every_byte()
    {
        for (var length = 0; length <= 110; length++)
        {
            var bytes = Enumerable.Range(0, length).Select(i => (byte)('a' + (i % 26))).ToArray();
            var hash = Utf8Hash.Compute(bytes, out var backslash);
            Assert.That(backslash, Is.False, $"length {length}");
            Assert.That(Utf8Hash.Compute(bytes.ToArray(), out _), Is.EqualTo(hash));
            for (var at = 0; at < length; at++)
            {
                var changed = bytes.ToArray();
                changed[at] = (byte)'\\';
                Assert.That(Utf8Hash.Compute(changed, out backslash), Is.Not.EqualTo(hash), $"length {length}, byte {at}");
                Assert.That(backslash, Is.True, $"length {length}, backslash at {at}");
            }
        }
    }
}

/// <summary>Text behind a memory manager: a ReadOnlyMemory that is not an array slice (TryGetArray fails).</summary>
internal sealed class NativeText(byte[] text) : System.Buffers.MemoryManager<byte>
{
    public override Span<byte> GetSpan() => text;

    public override System.Buffers.MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}

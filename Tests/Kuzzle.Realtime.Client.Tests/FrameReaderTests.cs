using System.Text;
using Kuzzle.Realtime.Client.Internal;

namespace Kuzzle.Realtime.Client.Tests;

/// <summary>Classification of server messages (protocol.md §4.4), and that it allocates nothing for the client's own answers.</summary>
[TestFixture]
public sealed class FrameReaderTests
{
    private static readonly byte[] Prefix = "dotnet-0123abcd-"u8.ToArray();

    private static FrameReader.FrameInfo Classify(string frame) => FrameReader.Classify(Encoding.UTF8.GetBytes(frame), Prefix);

    [Test]
    public void Messages_are_told_apart_by_their_top_level_keys()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Classify("""{"p":2}""").Kind, Is.EqualTo(FrameKind.Pong));
            Assert.That(Classify("""{"p":2,"room":"x-311"}""").Kind, Is.EqualTo(FrameKind.Room));
            Assert.That(Classify("""{"action":"now","result":{"now":1,"room":"nested"},"status":200,"room":"dotnet-0123abcd-42"}"""),
                Is.EqualTo(new FrameReader.FrameInfo(FrameKind.Response, 42, null)));
            Assert.That(Classify("""{"status":200,"type":"TokenExpired","room":"kuzzle:notification:server"}""").Kind, Is.EqualTo(FrameKind.TokenExpired));
            Assert.That(Classify("""{"type":"TokenExpiringSoon","room":"kuzzle:notification:server"}""").Kind, Is.EqualTo(FrameKind.ServerNotice));
            Assert.That(Classify("""{"type":"document","result":{},"room":"abc-311"}"""), Is.EqualTo(new FrameReader.FrameInfo(FrameKind.Room, 0, "abc-311")));
            Assert.That(Classify("""{"room":"dotnet-0123abcd-12x"}""").Room, Is.EqualTo("dotnet-0123abcd-12x"));
            Assert.That(Classify("""{"error":{"message":"bad","status":400},"requestId":"r","status":400}""").Kind, Is.EqualTo(FrameKind.Unroutable));
            Assert.That(Classify("""[1,2]""").Kind, Is.EqualTo(FrameKind.Unroutable));
        });
    }

    [Test]
    public void Classifying_a_response_or_a_pong_allocates_nothing()
    {
        var response = Encoding.UTF8.GetBytes("""{"action":"now","controller":"server","error":null,"headers":{},"node":"knode-a-b-1","requestId":"dotnet-0123abcd-7","result":{"now":1795805668208,"list":[1,2,3]},"status":200,"volatile":null,"room":"dotnet-0123abcd-7"}""");
        var pong = Encoding.UTF8.GetBytes("""{"p":2}""");
        FrameReader.Classify(response, Prefix);
        FrameReader.Classify(pong, Prefix);

        var before = GC.GetAllocatedBytesForCurrentThread();
        long keys = 0;
        for (var i = 0; i < 1000; i++)
        {
            keys += FrameReader.Classify(response, Prefix).RequestKey;
            keys += (long)FrameReader.Classify(pong, Prefix).Kind;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Multiple(() =>
        {
            Assert.That(keys, Is.EqualTo(1000 * (7 + (long)FrameKind.Pong)));
            Assert.That(allocated, Is.Zero);
        });
    }
}

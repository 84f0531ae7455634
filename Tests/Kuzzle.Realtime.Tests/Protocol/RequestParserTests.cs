using System.Text;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Requests;

namespace Kuzzle.Realtime.Tests.Protocol;

/// <summary>Request construction and argument coercion (protocol.md §2).</summary>
[TestFixture]
public sealed class RequestParserTests
{
    private static RequestInput Parse(string json, RequestProtocol protocol = RequestProtocol.WebSocket)
    {
        var parsed = RequestParser.Parse(Encoding.UTF8.GetBytes(json), protocol);
        Assert.That(parsed.Kind, Is.EqualTo(FrameKind.Request), parsed.Error?.Message);
        return parsed.Request!;
    }

    [Test]
    public void ReservedKeys_AreNotArguments_EverythingElseIs()
    {
        using var r = Parse("""{"controller":"c","action":"a","jwt":"t","body":{"x":1},"volatile":{"v":2},"requestId":"id","index":"i","size":3}""");
        Assert.Multiple(() =>
        {
            Assert.That(r.Controller, Is.EqualTo("c"));
            Assert.That(r.Action, Is.EqualTo("a"));
            Assert.That(r.Jwt, Is.EqualTo("t"));
            Assert.That(r.RequestId, Is.EqualTo("id"));
            Assert.That(r.Body.GetProperty("x").GetInt32(), Is.EqualTo(1));
            Assert.That(r.Volatile.GetProperty("v").GetInt32(), Is.EqualTo(2));
            Assert.That(r.TryGetArg("controller", out _), Is.False);
            Assert.That(r.TryGetArg("body", out _), Is.False);
            Assert.That(r.TryGetArg("requestId", out _), Is.True);
            Assert.That(r.EnumerateArgs().Select(p => p.Name), Is.EquivalentTo(new[] { "requestId", "index", "size" }));
        });
    }

    [Test]
    public void NullJwt_IsAnonymous_EmptyJwtIsNot()
    {
        using var anonymous = Parse("""{"jwt":null}""");
        using var empty = Parse("""{"jwt":""}""");
        Assert.That(anonymous.Jwt, Is.Null);
        Assert.That(empty.Jwt, Is.EqualTo(string.Empty));
    }

    [TestCase("""{}""")]
    [TestCase("""{"_id":null}""")]
    [TestCase("""{"_id":""}""")]
    [TestCase("""{"_id":false}""")]
    [TestCase("""{"_id":0}""")]
    public void A_missing_or_falsy_id_is_a_missing_argument(string json)
    {
        using var r = Parse(json);
        Assert.That(r.GetIdOrDefault(), Is.Null);
        Assert.That(Assert.Throws<KuzzleException>(() => r.GetId())!.Definition!.Id, Is.EqualTo("api.assert.missing_argument"));
    }

    [TestCase("""{"_id":5}""")]
    [TestCase("""{"_id":true}""")]
    [TestCase("""{"_id":["a"]}""")]
    public void A_non_string_id_is_an_invalid_type(string json)
    {
        using var r = Parse(json);
        Assert.That(Assert.Throws<KuzzleException>(() => r.GetId())!.Definition!.Id, Is.EqualTo("api.assert.invalid_type"));
    }

    [Test]
    public void A_repeated_token_reuses_the_connections_string()
    {
        const string Token = "eyJhbGciOiJIUzI1NiJ9.eyJfaWQiOiJ1In0.c2ln";
        var known = new string(Token.AsSpan()); // Not the interned literal.
        RequestInput Frame(string json) =>
            RequestParser.Parse(Encoding.UTF8.GetBytes(json), RequestProtocol.WebSocket, knownJwt: known).Request!;

        using var same = Frame($$"""{"jwt":"{{Token}}"}""");
        using var escaped = Frame($$"""{"jwt":"{{Token.Replace(".", "\u002e", StringComparison.Ordinal)}}"}""");
        using var other = Frame("""{"jwt":"another.token.value"}""");
        using var none = Frame("""{"controller":"server"}""");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(same.Jwt, Is.SameAs(known));
            Assert.That(escaped.Jwt, Is.SameAs(known), "compared after unescaping");
            Assert.That(other.Jwt, Is.EqualTo("another.token.value"));
            Assert.That(none.Jwt, Is.Null);
        }

        var invalid = RequestParser.Parse(Encoding.UTF8.GetBytes("""{"jwt":12}"""), RequestProtocol.WebSocket, knownJwt: known);
        Assert.That(invalid.Error, Is.Not.Null, "a non-string token is still refused");
    }

    [TestCase("""{"size":"10"}""", 10)]
    [TestCase("""{"size":10}""", 10)]
    [TestCase("""{"size":"1e3"}""", 1000)]
    [TestCase("""{}""", 7)]
    public void Integers_AcceptNumbersAndNumericStrings(string json, long expected)
    {
        using var r = Parse(json);
        Assert.That(r.GetInteger("size", 7), Is.EqualTo(expected));
    }

    [TestCase("""{"size":"ten"}""")]
    [TestCase("""{"size":1.5}""")]
    [TestCase("""{"size":true}""")]
    [TestCase("""{"size":9007199254740993}""")]
    public void Integers_RejectOtherValues(string json)
    {
        using var r = Parse(json);
        var ex = Assert.Throws<KuzzleException>(() => r.GetInteger("size", 0));
        Assert.That(ex!.Definition!.Id, Is.EqualTo("api.assert.invalid_type"));
        Assert.That(ex.Message, Is.EqualTo("Wrong type for argument \"size\" (expected: integer)"));
    }

    [TestCase("""{"flag":"false"}""", RequestProtocol.Http, true)]
    [TestCase("""{"flag":""}""", RequestProtocol.Http, true)]
    [TestCase("""{}""", RequestProtocol.Http, false)]
    [TestCase("""{"flag":false}""", RequestProtocol.Http, true)]
    [TestCase("""{"flag":true}""", RequestProtocol.WebSocket, true)]
    [TestCase("""{"flag":null}""", RequestProtocol.WebSocket, false)]
    [TestCase("""{}""", RequestProtocol.WebSocket, false)]
    public void Booleans_FollowKuzzleRulesPerProtocol(string json, RequestProtocol protocol, bool expected)
    {
        using var r = Parse(json, protocol);
        Assert.That(r.GetBoolean("flag"), Is.EqualTo(expected));
    }

    [Test]
    public void Booleans_OverWebSocket_MustBeJsonBooleans()
    {
        using var r = Parse("""{"flag":"true"}""");
        var ex = Assert.Throws<KuzzleException>(() => r.GetBoolean("flag"));
        Assert.That(ex!.Message, Is.EqualTo("Wrong type for argument \"flag\" (expected: boolean)"));
    }

    [Test]
    public void Strings_MustBeStrings_AndRequiredOnesMustBePresent()
    {
        using var r = Parse("""{"s":1}""");
        Assert.That(Assert.Throws<KuzzleException>(() => r.GetString("s"))!.Definition!.Id, Is.EqualTo("api.assert.invalid_type"));
        Assert.That(Assert.Throws<KuzzleException>(() => r.GetString("missing"))!.Definition!.Id, Is.EqualTo("api.assert.missing_argument"));
        Assert.That(r.GetStringOrDefault("missing", "d"), Is.EqualTo("d"));
    }

    [Test]
    public void Arrays_OverHttp_AcceptJsonOrCommaLists()
    {
        using var json = Parse("""{"ids":"[\"a\",\"b\"]"}""", RequestProtocol.Http);
        using var comma = Parse("""{"ids":"a, b,c"}""", RequestProtocol.Http);
        Assert.That(json.GetArrayOrDefault("ids")!.Value.GetArrayLength(), Is.EqualTo(2));
        Assert.That(comma.GetArrayOrDefault("ids")!.Value.EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "a", "b", "c" }));
    }

    [Test]
    public void Objects_OverHttp_AreJsonParsed()
    {
        using var r = Parse("""{"o":"{\"a\":1}"}""", RequestProtocol.Http);
        Assert.That(r.GetObjectOrDefault("o")!.Value.GetProperty("a").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public void Body_IsRequiredWhereAsked()
    {
        using var r = Parse("""{"controller":"c"}""");
        Assert.That(Assert.Throws<KuzzleException>(() => r.GetBodyObject())!.Definition!.Id, Is.EqualTo("api.assert.body_required"));
    }

    [TestCase("""{"p":1}""", FrameKind.Heartbeat)]
    [TestCase("""{"p":1.0}""", FrameKind.Heartbeat)]
    [TestCase("""{"p":2}""", FrameKind.Request)]
    [TestCase("""{"p":1,"x":1}""", FrameKind.Request)]
    [TestCase("""{"p":"1"}""", FrameKind.Request)]
    [TestCase("""{ "p" : 1 }""", FrameKind.Heartbeat)]
    public void Heartbeat_IsExactlyOneKeyPEqualToOne(string json, FrameKind kind)
    {
        var parsed = RequestParser.Parse(Encoding.UTF8.GetBytes(json), RequestProtocol.WebSocket);
        parsed.Request?.Dispose();
        Assert.That(parsed.Kind, Is.EqualTo(kind));
    }

    [Test]
    public void TruncatedJson_IsInvalidJson()
    {
        var parsed = RequestParser.Parse("""{"controller":"server","act"""u8.ToArray(), RequestProtocol.WebSocket);
        Assert.That(parsed.Kind, Is.EqualTo(FrameKind.InvalidJson));
        Assert.That(parsed.Error!.Definition!.Id, Is.EqualTo("network.websocket.unexpected_error"));
    }

    [Test]
    public void DepthLimit_IsConfigurable()
    {
        var json = "{\"a\":" + new string('[', 10) + new string(']', 10) + "}";
        Assert.That(RequestParser.Parse(Encoding.UTF8.GetBytes(json), RequestProtocol.WebSocket, maxDepth: 5).Kind, Is.EqualTo(FrameKind.InvalidJson));
        var ok = RequestParser.Parse(Encoding.UTF8.GetBytes(json), RequestProtocol.WebSocket, maxDepth: 20);
        ok.Request?.Dispose();
        Assert.That(ok.Kind, Is.EqualTo(FrameKind.Request));
    }
}

/// <summary>Controller and action names are interned, and escaped or unusual names still read correctly.</summary>
[TestFixture]
public sealed class NameInterningTests
{
    [Test]
    public void SameName_InTwoFrames_IsTheSameString()
    {
        using var a = RequestParser.Parse("""{"controller":"server","action":"now"}"""u8.ToArray(), RequestProtocol.WebSocket).Request!;
        using var b = RequestParser.Parse("""{"controller":"server","action":"now"}"""u8.ToArray(), RequestProtocol.WebSocket).Request!;
        Assert.That(ReferenceEquals(a.Controller, b.Controller) && ReferenceEquals(a.Action, b.Action), Is.True);
    }

    [TestCase("""{"controller":"ser\u0076er"}""", "server")]
    [TestCase("""{"controller":"héllo"}""", "héllo")]
    [TestCase("""{"controller":""}""", "")]
    public void EscapedAndNonAsciiNames_AreDecoded(string json, string expected)
    {
        using var r = RequestParser.Parse(System.Text.Encoding.UTF8.GetBytes(json), RequestProtocol.WebSocket).Request!;
        Assert.That(r.Controller, Is.EqualTo(expected));
    }

    [Test]
    public void LongNames_AreReadWithoutInterning()
    {
        var name = new string('x', 500);
        using var r = RequestParser.Parse(System.Text.Encoding.UTF8.GetBytes($$"""{"controller":"{{name}}"}"""), RequestProtocol.WebSocket).Request!;
        Assert.That(r.Controller, Is.EqualTo(name));
    }
}

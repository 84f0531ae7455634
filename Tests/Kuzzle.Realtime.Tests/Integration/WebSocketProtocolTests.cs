using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Integration;

/// <summary>The WebSocket side of protocol.md §3 and §4, over real sockets.</summary>
[TestFixture]
public sealed class WebSocketProtocolTests : ServerFixture
{
    [Test]
    public async Task ServerNow_AnswersWithTheFullEnvelope_InKuzzleKeyOrder()
    {
        await using var ws = await Server.ConnectAsync();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var r = await ws.RequestAsync("""{"controller":"server","action":"now","requestId":"r-1","volatile":{"a":1}}""");
        var keys = r.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.That(keys, Is.EqualTo(new[] { "action", "controller", "error", "headers", "node", "requestId", "result", "status", "volatile", "room" }));
        Assert.Multiple(() =>
        {
            Assert.That(r.GetProperty("action").GetString(), Is.EqualTo("now"));
            Assert.That(r.GetProperty("controller").GetString(), Is.EqualTo("server"));
            Assert.That(r.GetProperty("error").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(r.GetProperty("headers").EnumerateObject().Count(), Is.Zero);
            Assert.That(r.GetProperty("node").GetString(), Does.Match("^knode-[a-z]+-[a-z]+-[0-9]+$"));
            Assert.That(r.GetProperty("requestId").GetString(), Is.EqualTo("r-1"));
            Assert.That(r.GetProperty("room").GetString(), Is.EqualTo("r-1"));
            Assert.That(r.GetProperty("status").GetInt32(), Is.EqualTo(200));
            Assert.That(r.GetProperty("volatile").GetProperty("a").GetInt32(), Is.EqualTo(1));
            Assert.That(r.GetProperty("result").GetProperty("now").GetInt64(), Is.GreaterThanOrEqualTo(before));
        });
    }

    [Test]
    public async Task IndexAndCollection_AreEchoedOnlyWhenGiven()
    {
        await using var ws = await Server.ConnectAsync();
        var with = await ws.RequestAsync("""{"controller":"server","action":"now","requestId":"ic-1","index":"i","collection":"c"}""");
        var without = await ws.RequestAsync("""{"controller":"server","action":"now","requestId":"ic-2"}""");
        Assert.Multiple(() =>
        {
            Assert.That(with.GetProperty("index").GetString(), Is.EqualTo("i"));
            Assert.That(with.GetProperty("collection").GetString(), Is.EqualTo("c"));
            Assert.That(without.TryGetProperty("index", out _), Is.False);
            Assert.That(without.TryGetProperty("collection", out _), Is.False);
        });
    }

    [Test]
    public async Task MissingRequestId_IsGenerated_AndUsedAsRoom()
    {
        await using var ws = await Server.ConnectAsync();
        await ws.SendTextAsync("""{"controller":"server","action":"now"}""");
        var r = await ws.ReceiveJsonAsync();
        var id = r.GetProperty("requestId").GetString();
        Assert.That(Guid.TryParse(id, out _), Is.True);
        Assert.That(r.GetProperty("room").GetString(), Is.EqualTo(id));
    }

    [Test]
    public async Task Heartbeat_IsAnsweredWithP2_AndOnlyForExactlyP1()
    {
        await using var ws = await Server.ConnectAsync();
        await ws.SendTextAsync("""{"p":1}""");
        Assert.That(await ws.ReceiveTextAsync(), Is.EqualTo("""{"p":2}"""));

        var r = await ws.RequestAsync("""{"p":1,"requestId":"hb-2"}""");
        Assert.That(r.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("api.assert.missing_argument"));
    }

    [Test]
    public async Task InvalidJson_GetsAnIdLessRoomLessError_AndTheSocketStaysUsable()
    {
        await using var ws = await Server.ConnectAsync();
        await ws.SendTextAsync("{not json");
        var r = await ws.ReceiveJsonAsync();
        Assert.Multiple(() =>
        {
            Assert.That(r.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("network.websocket.unexpected_error"));
            Assert.That(r.GetProperty("error").GetProperty("code").GetInt32(), Is.EqualTo(50528257));
            Assert.That(r.GetProperty("status").GetInt32(), Is.EqualTo(400));
            Assert.That(r.GetProperty("error").GetProperty("message").GetString(), Does.StartWith("Caught an unexpected WebSocket error: "));
            Assert.That(r.TryGetProperty("room", out _), Is.False);
            Assert.That(r.GetProperty("controller").ValueKind, Is.EqualTo(JsonValueKind.Null));
        });
        var ok = await ws.RequestAsync("""{"controller":"server","action":"now","requestId":"after-bad"}""");
        Assert.That(ok.GetProperty("status").GetInt32(), Is.EqualTo(200));
    }

    [TestCase("[1,2]")]
    [TestCase("42")]
    [TestCase("\"text\"")]
    [TestCase("null")]
    public async Task NonObjectJson_GetsTheInternalError(string payload)
    {
        await using var ws = await Server.ConnectAsync();
        await ws.SendTextAsync(payload);
        var r = await ws.ReceiveJsonAsync();
        var error = r.GetProperty("error");
        Assert.Multiple(() =>
        {
            Assert.That(error.GetProperty("message").GetString(), Is.EqualTo("Input request data must be a non-null object"));
            Assert.That(error.GetProperty("status").GetInt32(), Is.EqualTo(500));
            Assert.That(error.TryGetProperty("id", out _), Is.False);
            Assert.That(error.TryGetProperty("code", out _), Is.False);
        });
    }

    [TestCase("""{"controller":"server","action":"now","jwt":42,"requestId":"t1"}""", "Attribute jwt must be of type \"string\"")]
    [TestCase("""{"controller":1,"action":"now","requestId":"t2"}""", "Attribute controller must be of type \"string\"")]
    [TestCase("""{"controller":"server","action":true,"requestId":"t3"}""", "Attribute action must be of type \"string\"")]
    [TestCase("""{"controller":"server","action":"now","volatile":[1],"requestId":"t4"}""", "Attribute volatile must be of type \"object\"")]
    [TestCase("""{"controller":"server","action":"now","body":"x","requestId":"t5"}""", "Attribute body must be of type \"object\" or \"array\"")]
    public async Task WrongFieldTypes_GetAdHocBadRequest_WithTheClientRequestId(string payload, string message)
    {
        await using var ws = await Server.ConnectAsync();
        await ws.SendTextAsync(payload);
        var r = await ws.ReceiveJsonAsync();
        var expectedId = JsonDocument.Parse(payload).RootElement.GetProperty("requestId").GetString();
        Assert.Multiple(() =>
        {
            Assert.That(r.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo(message));
            Assert.That(r.GetProperty("error").GetProperty("status").GetInt32(), Is.EqualTo(400));
            Assert.That(r.GetProperty("error").TryGetProperty("id", out _), Is.False);
            Assert.That(r.GetProperty("requestId").GetString(), Is.EqualTo(expectedId));
            Assert.That(r.TryGetProperty("room", out _), Is.False);
        });
    }

    [Test]
    public async Task RequestIdOfWrongType_IsRejected()
    {
        await using var ws = await Server.ConnectAsync();
        await ws.SendTextAsync("""{"controller":"server","action":"now","requestId":12}""");
        var r = await ws.ReceiveJsonAsync();
        Assert.That(r.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo("Attribute requestId must be of type \"string\""));
    }

    [TestCase("""{"action":"now","requestId":"m1"}""", "controller")]
    [TestCase("""{"controller":"server","requestId":"m2"}""", "action")]
    [TestCase("""{"controller":"","action":"now","requestId":"m3"}""", "controller")]
    public async Task MissingControllerOrAction_IsMissingArgument_WithRoom(string payload, string argument)
    {
        await using var ws = await Server.ConnectAsync();
        var r = await ws.RequestAsync(payload);
        Assert.Multiple(() =>
        {
            Assert.That(r.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("api.assert.missing_argument"));
            Assert.That(r.GetProperty("error").GetProperty("props")[0].GetString(), Is.EqualTo(argument));
            Assert.That(r.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo($"Missing argument \"{argument}\"."));
            Assert.That(r.GetProperty("status").GetInt32(), Is.EqualTo(400));
        });
    }

    [Test]
    public async Task UnknownControllerAndAction_Are404()
    {
        await using var ws = await Server.ConnectAsync();
        var c = await ws.RequestAsync("""{"controller":"nope","action":"now","requestId":"u1"}""");
        var a = await ws.RequestAsync("""{"controller":"server","action":"nope","requestId":"u2"}""");
        Assert.Multiple(() =>
        {
            Assert.That(c.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("api.process.controller_not_found"));
            Assert.That(c.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo("API controller \"nope\" not found."));
            Assert.That(a.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("api.process.action_not_found"));
            Assert.That(a.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo("API action \"server\":\"nope\" not found"));
            Assert.That(a.GetProperty("status").GetInt32(), Is.EqualTo(404));
        });
    }

    [Test]
    public async Task AnyToken_IsInvalid_WhileNoSessionExists()
    {
        await using var ws = await Server.ConnectAsync();
        var r = await ws.RequestAsync("""{"controller":"server","action":"now","jwt":"","requestId":"j1"}""");
        Assert.That(r.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("security.token.invalid"));
        Assert.That(r.GetProperty("status").GetInt32(), Is.EqualTo(401));
        var anonymous = await ws.RequestAsync("""{"controller":"server","action":"now","jwt":null,"requestId":"j2"}""");
        Assert.That(anonymous.GetProperty("status").GetInt32(), Is.EqualTo(200));
    }

    [Test]
    public async Task OldSdk_IsRejected_ByTheVersionGate()
    {
        await using var ws = await Server.ConnectAsync();
        var r = await ws.RequestAsync("""{"controller":"server","action":"now","requestId":"s1","volatile":{"sdkName":"js@6.2.0"}}""");
        var legacy = await ws.RequestAsync("""{"controller":"server","action":"now","requestId":"s2","volatile":{"sdkVersion":"5.0"}}""");
        var current = await ws.RequestAsync("""{"controller":"server","action":"now","requestId":"s3","volatile":{"sdkName":"js@7.17.1"}}""");
        Assert.Multiple(() =>
        {
            Assert.That(r.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("api.process.incompatible_sdk_version"));
            Assert.That(legacy.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("api.process.incompatible_sdk_version"));
            Assert.That(current.GetProperty("status").GetInt32(), Is.EqualTo(200));
        });
    }

    [Test]
    public async Task BinaryFrames_AreTreatedLikeText()
    {
        await using var ws = await Server.ConnectAsync();
        await ws.SendBytesAsync(Encoding.UTF8.GetBytes("""{"controller":"server","action":"now","requestId":"bin"}"""), WebSocketMessageType.Binary);
        var r = await ws.ReceiveJsonAsync();
        Assert.That(r.GetProperty("room").GetString(), Is.EqualTo("bin"));
    }

    [Test]
    public async Task InvalidUtf8_IsRejectedAsUnexpectedError()
    {
        await using var ws = await Server.ConnectAsync();
        var bytes = Encoding.UTF8.GetBytes("""{"controller":"server","action":"now","x":"__"}""");
        bytes[^4] = 0xC3;
        bytes[^3] = 0x28;
        await ws.SendBytesAsync(bytes, WebSocketMessageType.Binary);
        var r = await ws.ReceiveJsonAsync();
        Assert.That(r.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("network.websocket.unexpected_error"));
    }

    [Test]
    public async Task DeeplyNestedJson_IsRejected_WithoutHarm()
    {
        await using var ws = await Server.ConnectAsync();
        var deep = new string('[', 10_000) + new string(']', 10_000);
        await ws.SendTextAsync("""{"controller":"server","action":"now","body":""" + deep + "}");
        var r = await ws.ReceiveJsonAsync();
        Assert.That(r.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("network.websocket.unexpected_error"));
        var ok = await ws.RequestAsync("""{"controller":"server","action":"now","requestId":"after-deep"}""");
        Assert.That(ok.GetProperty("status").GetInt32(), Is.EqualTo(200));
    }

    [Test]
    public async Task EmptyFrames_AreIgnored()
    {
        await using var ws = await Server.ConnectAsync();
        await ws.SendBytesAsync([]);
        var r = await ws.RequestAsync("""{"controller":"server","action":"now","requestId":"after-empty"}""");
        Assert.That(r.GetProperty("room").GetString(), Is.EqualTo("after-empty"));
    }

    [Test]
    public async Task FragmentedMessages_AreReassembled()
    {
        await using var ws = await Server.ConnectAsync();
        var bytes = Encoding.UTF8.GetBytes("""{"controller":"server","action":"now","requestId":"frag"}""");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await ws.Socket.SendAsync(bytes.AsMemory(0, 10), WebSocketMessageType.Text, false, cts.Token);
        await ws.Socket.SendAsync(bytes.AsMemory(10), WebSocketMessageType.Text, true, cts.Token);
        var r = await ws.ReceiveJsonAsync();
        Assert.That(r.GetProperty("room").GetString(), Is.EqualTo("frag"));
    }

    [Test]
    public async Task UnknownTopLevelKeys_AreArgumentsAndTolerated()
    {
        await using var ws = await Server.ConnectAsync();
        var r = await ws.RequestAsync("""{"controller":"server","action":"now","requestId":"extra","verb":"GET","cookieAuth":false,"deep":{"a":[1,2]}}""");
        Assert.That(r.GetProperty("status").GetInt32(), Is.EqualTo(200));
    }

    [Test]
    public async Task ManyConcurrentRequestsOnOneSocket_AreAllAnswered()
    {
        await using var ws = await Server.ConnectAsync();
        const int count = 200;
        for (var i = 0; i < count; i++)
        {
            await ws.SendTextAsync($$"""{"controller":"server","action":"now","requestId":"c{{i}}"}""");
        }

        var seen = new HashSet<string>();
        for (var i = 0; i < count; i++)
        {
            seen.Add((await ws.ReceiveJsonAsync()).GetProperty("room").GetString()!);
        }

        Assert.That(seen, Has.Count.EqualTo(count));
    }
}

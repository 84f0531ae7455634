using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Integration;

/// <summary>Every WebSocket limit is configurable and enforced: size, rate, connections, idle time, send queue.</summary>
[TestFixture]
public sealed class WebSocketLimitsTests
{
    [Test]
    public async Task OversizeFrame_ClosesTheSocketWith1009_AndOtherClientsAreUnaffected()
    {
        await using var server = await TestServer.StartAsync("--Kuzzle:Server:MaxRequestSize=1KB");
        await using var bystander = await server.ConnectAsync();
        await using var ws = await server.ConnectAsync();
        var big = "{\"controller\":\"server\",\"action\":\"now\",\"pad\":\"" + new string('x', 2000) + "\"}";
        await ws.SendTextAsync(big);
        Assert.That(await ws.WaitForCloseAsync(), Is.EqualTo(WebSocketCloseStatus.MessageTooBig));
        var r = await bystander.RequestAsync("""{"controller":"server","action":"now","requestId":"b"}""");
        Assert.That(r.GetProperty("status").GetInt32(), Is.EqualTo(200));
    }

    [Test]
    public async Task FrameJustUnderTheLimit_IsAccepted()
    {
        await using var server = await TestServer.StartAsync("--Kuzzle:Server:MaxRequestSize=8KB");
        await using var ws = await server.ConnectAsync();
        var prefix = "{\"controller\":\"server\",\"action\":\"now\",\"requestId\":\"fit\",\"pad\":\"";
        var payload = prefix + new string('x', 8192 - prefix.Length - 2) + "\"}";
        Assert.That(Encoding.UTF8.GetByteCount(payload), Is.EqualTo(8192));
        var r = await ws.RequestAsync(payload);
        Assert.That(r.GetProperty("status").GetInt32(), Is.EqualTo(200));
    }

    [Test]
    public async Task PerSocketRateLimit_AnswersRateLimitExceeded()
    {
        await using var server = await TestServer.StartAsync("--Kuzzle:Server:WebSocket:RateLimit=5");
        await using var ws = await server.ConnectAsync();
        for (var i = 0; i < 20; i++)
        {
            await ws.SendTextAsync($$"""{"controller":"server","action":"now","requestId":"rl{{i}}"}""");
        }

        var limited = 0;
        for (var i = 0; i < 20; i++)
        {
            var r = await ws.ReceiveJsonAsync();
            if (r.GetProperty("error").ValueKind != System.Text.Json.JsonValueKind.Null)
            {
                Assert.That(r.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("network.websocket.ratelimit_exceeded"));
                Assert.That(r.GetProperty("status").GetInt32(), Is.EqualTo(429));
                limited++;
            }
        }

        Assert.That(limited, Is.GreaterThanOrEqualTo(10));
    }

    [Test]
    public async Task MaxConnections_RefusesTheNextUpgrade_AndFreesPlacesOnClose()
    {
        await using var server = await TestServer.StartAsync("--Kuzzle:Server:WebSocket:MaxConnections=2");
        var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        var refused = await Assert.ThrowsAsync<WebSocketException>(async () => await server.ConnectAsync());
        Assert.That(refused!.Message, Does.Contain("503"));
        await first.DisposeAsync();
        await WaitUntilAsync(() => server.Services.GetRequiredService<Kuzzle.Realtime.Server.Network.WebSockets.ConnectionRegistry>().Count < 2);
        await using var third = await server.ConnectAsync();
        var r = await third.RequestAsync("""{"controller":"server","action":"now","requestId":"third"}""");
        Assert.That(r.GetProperty("status").GetInt32(), Is.EqualTo(200));
    }

    [Test]
    public async Task IdleSocket_IsDropped_AfterTheIdleTimeout()
    {
        await using var server = await TestServer.StartAsync("--Kuzzle:Server:WebSocket:IdleTimeout=1000");
        await using var ws = await server.ConnectAsync();
        var status = await ws.WaitForCloseAsync(TimeSpan.FromSeconds(10));
        Assert.That(ws.Socket.State, Is.Not.EqualTo(WebSocketState.Open));
        Assert.That(status is null or WebSocketCloseStatus.PolicyViolation, Is.True);
    }

    [Test]
    public async Task ClientThatNeverReads_IsDisconnected_WithBoundedQueue()
    {
        await using var server = await TestServer.StartAsync("--Kuzzle:Server:WebSocket:SendQueueBytes=4096", "--Kuzzle:Server:WebSocket:SendStallTimeout=1000");

        // A raw TCP client that upgrades, then sends requests with big responses and never reads.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", server.Port);
        tcp.ReceiveBufferSize = 1024;
        var stream = tcp.GetStream();
        var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        var handshake = $"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(handshake));
        var buffer = new byte[1024];
        var read = await stream.ReadAsync(buffer);
        Assert.That(Encoding.ASCII.GetString(buffer, 0, read), Does.StartWith("HTTP/1.1 101"));

        var frame = MaskedTextFrame("""{"controller":"server","action":"publicApi"}""");
        var registry = server.Services.GetRequiredService<Kuzzle.Realtime.Server.Network.WebSockets.ConnectionRegistry>();
        for (var i = 0; i < 20_000 && registry.Count > 0; i++)
        {
            try
            {
                await stream.WriteAsync(frame);
            }
            catch (IOException)
            {
                break; // The server dropped us: that is the expected outcome.
            }
        }

        await WaitUntilAsync(() => registry.Count == 0);
        Assert.That(registry.Count, Is.Zero);
        var metrics = server.Services.GetRequiredService<Kuzzle.Realtime.Server.Diagnostics.ApiMetrics>();
        Assert.That(metrics.SlowConsumersClosed, Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task Compression_IsNegotiatedOnlyWhenEnabled()
    {
        await using var plain = await TestServer.StartAsync();
        await using var compressed = await TestServer.StartAsync("--Kuzzle:Server:WebSocket:Compression=true");
        foreach (var (server, expected) in new[] { (plain, false), (compressed, true) })
        {
            await using var ws = await server.ConnectAsync(o =>
            {
                o.DangerousDeflateOptions = new WebSocketDeflateOptions();
                o.CollectHttpResponseDetails = true;
            });
            Assert.That(ws.Socket.HttpResponseHeaders?.ContainsKey("Sec-WebSocket-Extensions") ?? false, Is.EqualTo(expected));
            var r = await ws.RequestAsync("""{"controller":"server","action":"now","requestId":"z"}""");
            Assert.That(r.GetProperty("status").GetInt32(), Is.EqualTo(200));
        }
    }

    [Test]
    public async Task Shutdown_ClosesSocketsWithGoingAway()
    {
        var server = await TestServer.StartAsync();
        await using var ws = await server.ConnectAsync();
        var stopping = server.DisposeAsync();
        var status = await ws.WaitForCloseAsync();
        await stopping;
        Assert.That(status, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
    }

    internal static byte[] MaskedTextFrame(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var header = payload.Length < 126 ? new byte[] { 0x81, (byte)(0x80 | payload.Length) } : [0x81, 0x80 | 126, (byte)(payload.Length >> 8), (byte)payload.Length];
        byte[] mask = [1, 2, 3, 4];
        var frame = new byte[header.Length + 4 + payload.Length];
        header.CopyTo(frame, 0);
        mask.CopyTo(frame, header.Length);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[header.Length + 4 + i] = (byte)(payload[i] ^ mask[i % 4]);
        }

        return frame;
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition() && Environment.TickCount64 < deadline)
        {
            await Task.Delay(20);
        }
    }
}

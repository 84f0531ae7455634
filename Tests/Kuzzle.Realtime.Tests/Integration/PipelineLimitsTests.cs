using System.Text.Json;
using Kuzzle.Realtime.Server.Api;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Integration;

/// <summary>Pipeline limits through real sockets: concurrency buffer, origin policy, readiness.</summary>
[TestFixture]
public sealed class PipelineLimitsTests
{
    [Test]
    public async Task FullRequestBuffer_Is503Overloaded_AndQueuedRequestsRunOnceSlotsFree()
    {
        await using var server = await TestServer.StartAsync("--Kuzzle:Limits:ConcurrentRequests=1", "--Kuzzle:Limits:RequestsBufferSize=2", "--Kuzzle:Limits:RequestsBufferWarningThreshold=2");
        var gate = server.Services.GetRequiredService<RequestGate>();
        await gate.EnterAsync(CancellationToken.None); // Hold the only slot, as a long action would.

        await using var ws = await server.ConnectAsync();
        for (var i = 0; i < 4; i++)
        {
            await ws.SendTextAsync($$"""{"controller":"server","action":"now","requestId":"q{{i}}"}""");
        }

        // Two wait in the buffer; the other two are refused at once.
        var refused = new List<JsonElement> { await ws.ReceiveJsonAsync(), await ws.ReceiveJsonAsync() };
        Assert.That(refused.Select(r => r.GetProperty("error").GetProperty("id").GetString()), Is.All.EqualTo("api.process.overloaded"));
        Assert.That(refused.Select(r => r.GetProperty("status").GetInt32()), Is.All.EqualTo(503));
        Assert.That(gate.Pending, Is.EqualTo(2));

        using var http = server.CreateHttpClient();
        using (var ready = await http.GetAsync("/_ready"))
        {
            Assert.That((int)ready.StatusCode, Is.EqualTo(503));
        }

        gate.Exit();
        var served = new[] { await ws.ReceiveJsonAsync(), await ws.ReceiveJsonAsync() };
        Assert.That(served.Select(r => r.GetProperty("status").GetInt32()), Is.All.EqualTo(200));
        using (var ready = await http.GetAsync("/_ready"))
        {
            Assert.That((int)ready.StatusCode, Is.EqualTo(200));
        }
    }

    [Test]
    public async Task OriginNotAllowed_IsUnauthorizedOrigin_OverHttpAndWebSocket()
    {
        await using var server = await TestServer.StartAsync("--Kuzzle:Server:Http:AccessControlAllowOrigin=http://good.test");
        using var http = server.CreateHttpClient();
        using var bad = new HttpRequestMessage(HttpMethod.Get, "/_now");
        bad.Headers.Add("Origin", "http://evil.test");
        using var refused = await http.SendAsync(bad);
        var body = TestServer.Json(await refused.Content.ReadAsStringAsync());
        Assert.That(body.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("api.process.unauthorized_origin"));
        Assert.That((int)refused.StatusCode, Is.EqualTo(401));

        using var good = new HttpRequestMessage(HttpMethod.Get, "/_now");
        good.Headers.Add("Origin", "http://good.test");
        using var accepted = await http.SendAsync(good);
        Assert.That((int)accepted.StatusCode, Is.EqualTo(200));

        await using var ws = await server.ConnectAsync(o => o.SetRequestHeader("Origin", "http://evil.test"));
        var r = await ws.RequestAsync("""{"controller":"server","action":"now","requestId":"o1"}""");
        Assert.That(r.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("api.process.unauthorized_origin"));
    }
}

/// <summary>Slow and oversized HTTP clients are bounded by explicit limits.</summary>
[TestFixture]
public sealed class HttpClientLimitsTests
{
    [Test]
    public async Task SlowHeaders_AreDroppedAfterTheHeadersTimeout()
    {
        await using var server = await TestServer.StartAsync("--Kuzzle:Server:Http:RequestHeadersTimeout=1000");
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync("127.0.0.1", server.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync("GET /_now HTTP/1.1\r\nHost: x\r\n"u8.ToArray());
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(total), cts.Token)) > 0)
        {
            total += read;
        }

        // Kestrel answers 408 (or just closes) once the header timeout passed: the connection never hangs.
        var text = System.Text.Encoding.ASCII.GetString(buffer, 0, total);
        Assert.That(total == 0 || text.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), Is.True, text);
    }

    [Test]
    public async Task OversizedRequestLines_AreRefused_UpToTheConfiguredSize()
    {
        var url = "/_now?pad=" + new string('a', 20_000);
        await using (var server = await TestServer.StartAsync())
        {
            using var http = server.CreateHttpClient();
            using var response = await http.GetAsync(url);
            Assert.That((int)response.StatusCode, Is.EqualTo(414), "default limit 16 KiB");
        }

        await using (var server = await TestServer.StartAsync("--Kuzzle:Server:Http:MaxRequestLineSize=65536"))
        {
            using var http = server.CreateHttpClient();
            using var response = await http.GetAsync(url);
            Assert.That((int)response.StatusCode, Is.EqualTo(200));
        }
    }

    [Test]
    public async Task OversizedHeaders_AreRefused()
    {
        await using var server = await TestServer.StartAsync("--Kuzzle:Server:Http:MaxRequestHeadersTotalSize=2048");
        using var http = server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_now");
        request.Headers.TryAddWithoutValidation("X-Big", new string('a', 4096));
        using var response = await http.SendAsync(request);
        Assert.That((int)response.StatusCode, Is.EqualTo(431));
    }
}

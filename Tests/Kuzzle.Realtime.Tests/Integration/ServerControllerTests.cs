using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Kuzzle.Realtime.Server.Diagnostics;
using Kuzzle.Realtime.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kuzzle.Realtime.Tests.Integration;

/// <summary>The server controller (server.md) through both protocols.</summary>
[TestFixture]
public sealed class ServerControllerTests : ServerFixture
{
    private async Task<JsonElement> GetResultAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
        return TestServer.Json(await response.Content.ReadAsStringAsync()).GetProperty("result");
    }

    [Test]
    public async Task Info_ReportsTheKuzzleApiVersion_AndOurApplication()
    {
        var info = await GetResultAsync("/_serverInfo");
        var kuzzle = info.GetProperty("serverInfo").GetProperty("kuzzle");
        Assert.Multiple(() =>
        {
            Assert.That(kuzzle.GetProperty("version").GetString(), Is.EqualTo("2.56.0"));
            Assert.That(kuzzle.GetProperty("application").GetProperty("name").GetString(), Is.EqualTo("Kuzzle.Realtime"));
            Assert.That(kuzzle.GetProperty("uptime").GetString(), Does.EndWith("s"));
            Assert.That(kuzzle.GetProperty("api").GetProperty("routes").GetProperty("server").GetProperty("now").GetProperty("http")[0].GetProperty("url").GetString(), Is.EqualTo("/_now"));
        });
    }

    [Test]
    public async Task PublicApi_ListsServedActions_WithTheirRoutes()
    {
        var api = await GetResultAsync("/_publicApi");
        var info = api.GetProperty("server").GetProperty("info");
        Assert.Multiple(() =>
        {
            Assert.That(info.GetProperty("controller").GetString(), Is.EqualTo("server"));
            Assert.That(info.GetProperty("http").EnumerateArray().Select(r => r.GetProperty("path").GetString()), Is.EqualTo(new[] { "/", "/_serverInfo" }));
            Assert.That(info.GetProperty("http")[0].GetProperty("verb").GetString(), Is.EqualTo("GET"));
        });
    }

    [Test]
    public async Task Openapi_IsRawSwagger_OverHttpAndWebSocket()
    {
        using var response = await Http.GetAsync("/_openapi");
        var doc = TestServer.Json(await response.Content.ReadAsStringAsync());
        Assert.That(doc.GetProperty("swagger").GetString(), Is.EqualTo("2.0"));
        Assert.That(doc.GetProperty("paths").GetProperty("/_now").GetProperty("get").GetProperty("summary").GetString(), Is.EqualTo("Action: now."));

        using var yaml = await Http.GetAsync("/_openapi?format=yaml");
        Assert.That(yaml.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/yaml"));
        Assert.That(await yaml.Content.ReadAsStringAsync(), Does.StartWith("\"swagger\": \"2.0\""));

        await using var ws = await Server.ConnectAsync();
        var raw = await ws.RequestAsync("""{"controller":"server","action":"openapi","requestId":"oa"}""");
        Assert.That(raw.GetProperty("swagger").GetString(), Is.EqualTo("2.0"));
        Assert.That(raw.GetProperty("room").GetString(), Is.EqualTo("oa"));
        Assert.That(raw.TryGetProperty("status", out _), Is.False);

        var bad = await ws.RequestAsync("""{"controller":"server","action":"openapi","scope":"nope","requestId":"oa2"}""");
        Assert.That(bad.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("api.assert.unexpected_argument"));
        Assert.That(bad.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo("Unexpected argument \"nope\" (accepted arguments: [ 'kuzzle', 'app' ])"));
    }

    [Test]
    public async Task AdminExists_IsFalseOnAFreshStore()
    {
        var r = await GetResultAsync("/_adminExists");
        Assert.That(r.GetProperty("exists").GetBoolean(), Is.False);
    }

    [Test]
    public async Task Capabilities_ReportsTheEffectiveLimits()
    {
        await using var custom = await TestServer.StartAsync("--Kuzzle:Limits:ConcurrentRequests=7");
        using var http = custom.CreateHttpClient();
        var body = TestServer.Json(await http.GetStringAsync("/_capabilities")).GetProperty("result");
        Assert.That(body.GetProperty("limits").GetProperty("concurrentRequests").GetInt32(), Is.EqualTo(7));
        Assert.That(body.GetProperty("version").GetString(), Is.EqualTo("2.56.0"));
    }

    [Test]
    public async Task GetConfig_NeverShowsTheRedisConnectionString()
    {
        var config = await GetResultAsync("/_getConfig");
        Assert.That(config.GetProperty("server").GetProperty("port").GetInt32(), Is.Zero);
        Assert.That(config.GetProperty("limits").GetProperty("requestsBufferSize").GetInt32(), Is.EqualTo(50_000));
    }

    [Test]
    public async Task Metrics_CountsLiveConnections()
    {
        await using var a = await Server.ConnectAsync();
        await using var b = await Server.ConnectAsync();
        var r = await a.RequestAsync("""{"controller":"server","action":"metrics","requestId":"met"}""");
        var result = r.GetProperty("result");
        Assert.That(result.GetProperty("network").GetProperty("connections").GetProperty("websocket").GetInt32(), Is.GreaterThanOrEqualTo(2));
        Assert.That(result.GetProperty("api").GetProperty("concurrentRequests").GetInt32(), Is.GreaterThanOrEqualTo(1));
        Assert.That(result.GetProperty("realtime").GetProperty("rooms").GetInt32(), Is.Zero);
    }

    [Test]
    public async Task HealthCheck_IsGreen()
    {
        var r = await GetResultAsync("/_healthCheck");
        Assert.That(r.GetProperty("status").GetString(), Is.EqualTo("green"));
    }

    [Test]
    public async Task Stats_ReturnAFrame_AndRejectBadDates()
    {
        var all = await GetResultAsync("/_getAllStats");
        Assert.That(all.GetProperty("total").GetInt32(), Is.GreaterThanOrEqualTo(1));
        Assert.That(all.GetProperty("hits")[0].TryGetProperty("completedRequests", out _), Is.True);
        var last = await GetResultAsync("/_getLastStats");
        Assert.That(last.GetProperty("timestamp").GetInt64(), Is.GreaterThan(0));
        var future = await GetResultAsync("/_getStats?startTime=" + DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds());
        Assert.That(future.GetProperty("total").GetInt32(), Is.Zero);
        using var bad = await Http.GetAsync("/_getStats?startTime=not-a-date");
        var body = TestServer.Json(await bad.Content.ReadAsStringAsync());
        Assert.That(body.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("api.assert.invalid_argument"));
    }

    [Test]
    public async Task PrometheusEndpoint_ExposesCounters()
    {
        await Http.GetAsync("/_now");
        var text = await Http.GetStringAsync("/metrics");
        Assert.That(text, Does.Contain("# TYPE kuzzle_action_requests_total counter"));
        Assert.That(text, Does.Contain("kuzzle_action_requests_total{controller=\"server\",action=\"now\"}"));
    }

    [Test]
    public async Task MetricsInstruments_ShowTheSameCountersAsThePrometheusPage()
    {
        await using var socket = await Server.ConnectAsync();
        await socket.RequestAsync("""{"controller":"server","action":"now","requestId":"m1"}""");
        await socket.RequestAsync("""{"controller":"nope","action":"now","requestId":"m2"}""");

        // Only this server's meter: other servers of the test run publish instruments with the same names.
        var meter = Server.Services.GetRequiredService<KuzzleInstruments>().Meter;
        var seen = new List<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            seen.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Multiple(() =>
        {
            Assert.That(meter.Name, Is.EqualTo(KuzzleInstruments.MeterName));
            Assert.That(seen.Single(m => m.Instrument == "kuzzle.connections" && (string?)m.Tags["protocol"] == "websocket").Value, Is.GreaterThanOrEqualTo(1));
            Assert.That(
                seen.Single(m => m.Instrument == "kuzzle.action.requests" && (string?)m.Tags["controller"] == "server" && (string?)m.Tags["action"] == "now").Value,
                Is.GreaterThanOrEqualTo(1));
            Assert.That(seen.Single(m => m.Instrument == "kuzzle.errors" && (string?)m.Tags["id"] == "api.process.controller_not_found").Value, Is.GreaterThanOrEqualTo(1));
            Assert.That(seen.Select(m => m.Instrument), Is.SupersetOf(new[] { "kuzzle.requests.completed", "kuzzle.requests.failed", "kuzzle.requests.executing", "kuzzle.realtime.rooms", "kuzzle.slow_consumers.closed" }));
        });
    }
}

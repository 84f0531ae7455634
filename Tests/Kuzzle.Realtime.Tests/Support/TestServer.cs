using System.Text.Json;
using Kuzzle.Realtime.Server.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Kuzzle.Realtime.Tests.Support;

/// <summary>A real server on a free loopback port with its own data directory; dispose to stop it and delete the data.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, string dataDirectory)
    {
        _app = app;
        DataDirectory = dataDirectory;
        var bound = ServerHost.BoundAddress(app);
        Port = bound.Port;
    }

    /// <summary>The bound port.</summary>
    public int Port { get; }

    /// <summary>The embedded store directory.</summary>
    public string DataDirectory { get; }

    /// <summary>WebSocket URI.</summary>
    public Uri WebSocketUri => new($"ws://127.0.0.1:{Port}/");

    /// <summary>HTTP base URI.</summary>
    public Uri HttpUri => new($"http://127.0.0.1:{Port}/");

    /// <summary>The running application.</summary>
    public WebApplication App => _app;

    /// <summary>The application's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server; extra arguments are configuration keys (<c>--Kuzzle:Server:WebSocket:RateLimit=5</c>).</summary>
    public static Task<TestServer> StartAsync(params string[] extraArgs) => StartAsync(null, extraArgs);

    /// <summary>Starts a server with extra services (e.g. a log capture) and configuration arguments.</summary>
    public static async Task<TestServer> StartAsync(Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? configureServices, params string[] extraArgs)
    {
        var data = Path.Combine(Path.GetTempPath(), "kuzzle-test-" + Guid.NewGuid().ToString("N"));
        string[] args = ["--port", "0", "--host", "127.0.0.1", "--data", data, "--Logging:LogLevel:Default=Warning", .. extraArgs];
        var app = await ServerHost.BuildAsync(args, configureServices);
        await app.StartAsync();
        return new TestServer(app, data);
    }

    /// <summary>Opens a WebSocket client.</summary>
    public async Task<WsClient> ConnectAsync(Action<System.Net.WebSockets.ClientWebSocketOptions>? configure = null) =>
        await WsClient.ConnectAsync(WebSocketUri, configure);

    /// <summary>An HTTP client for this server (no automatic decompression: tests check encodings themselves).</summary>
    public HttpClient CreateHttpClient() => new() { BaseAddress = HttpUri, Timeout = TimeSpan.FromSeconds(20) };

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            if (Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind does not change any result.
        }
    }

    /// <summary>Parses a JSON text into a detached element.</summary>
    public static JsonElement Json(string text)
    {
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }
}

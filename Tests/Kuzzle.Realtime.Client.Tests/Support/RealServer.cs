using Kuzzle.Realtime.Server.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Kuzzle.Realtime.Client.Tests.Support;

/// <summary>
/// The real server, in process, on a loopback port with its own embedded store. It can be stopped and started again on
/// the same port with the same store, which is what a server crash and restart looks like to a client.
/// </summary>
public sealed class RealServer : IAsyncDisposable
{
    private readonly string[] _extraArgs;
    private WebApplication? _app;

    private RealServer(string dataDirectory, string[] extraArgs)
    {
        DataDirectory = dataDirectory;
        _extraArgs = extraArgs;
    }

    /// <summary>The bound port (kept across restarts).</summary>
    public int Port { get; private set; }

    /// <summary>The embedded store directory (kept across restarts).</summary>
    public string DataDirectory { get; }

    /// <summary>True while the server runs.</summary>
    public bool IsRunning => _app is not null;

    /// <summary>Starts a server on a free port; extra arguments are configuration keys.</summary>
    public static async Task<RealServer> StartAsync(params string[] extraArgs)
    {
        var server = new RealServer(Path.Combine(Path.GetTempPath(), "kuzzle-client-test-" + Guid.NewGuid().ToString("N")), extraArgs);
        await server.RunAsync(port: 0);
        return server;
    }

    private async Task RunAsync(int port)
    {
        string[] args = ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--host", "127.0.0.1", "--data", DataDirectory,
            "--Logging:LogLevel:Default=Warning", .. _extraArgs];
        var app = await ServerHost.BuildAsync(args);
        await app.StartAsync();
        _app = app;
        Port = ServerHost.BoundAddress(app).Port;
    }

    /// <summary>Stops the server (its connections drop); the store stays on disk.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Starts the server again on the same port with the same store.</summary>
    public Task RestartAsync() => RunAsync(Port);

    /// <summary>Client options for this server, with short reconnection delays so tests run fast.</summary>
    public KuzzleClientOptions ClientOptions(KuzzleProtocol protocol = KuzzleProtocol.WebSocket) => KuzzleClientOptions.Default with
    {
        Host = "127.0.0.1",
        Port = Port,
        Protocol = protocol,
        ReconnectionDelay = TimeSpan.FromMilliseconds(50),
        MaxReconnectionDelay = TimeSpan.FromMilliseconds(500),
        RequestTimeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>A connected client.</summary>
    public async Task<KuzzleClient> ConnectAsync(KuzzleProtocol protocol = KuzzleProtocol.WebSocket, Func<KuzzleClientOptions, KuzzleClientOptions>? configure = null)
    {
        var options = ClientOptions(protocol);
        var client = new KuzzleClient(configure is null ? options : configure(options));
        await client.ConnectAsync();
        return client;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            if (Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind changes no result.
        }
    }
}

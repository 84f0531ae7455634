using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Kuzzle.Realtime.Bench.Hosting;

/// <summary>
/// A server under test, started as a child <c>dotnet &lt;dll&gt;</c> process. Both kinds go through the same code path,
/// with the same environment and in the bench's own session: on 2 cores, launching the two sides
/// differently (e.g. setsid, its own scheduler autogroup) alone was measured to halve an echo server's throughput.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly ChildProcess _child;
    private readonly string? _dataDirectory;

    private ServerProcess(ServerKind kind, int port, ChildProcess child, string? dataDirectory)
    {
        Kind = kind;
        Port = port;
        _child = child;
        _dataDirectory = dataDirectory;
    }

    public ServerKind Kind { get; }
    public int Port { get; }
    public int Pid => _child.Pid;
    public Uri Url => new($"ws://127.0.0.1:{Port}/");
    public string Name => Kind == ServerKind.Echo ? "echo" : "kuzzle";

    /// <summary>Environment given to both servers (on 2 cores workstation GC measured as well as server GC or better).</summary>
    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
    {
        ["DOTNET_gcServer"] = "0",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
    };

    public static async Task<ServerProcess> StartAsync(ServerKind kind, string? kuzzleDll, CancellationToken cancellationToken, IReadOnlyList<string>? extraArguments = null)
    {
        var port = FreePort();
        string dll;
        string? data = null;
        List<string> arguments;
        if (kind == ServerKind.Echo)
        {
            dll = typeof(ServerProcess).Assembly.Location;
            arguments = ["echo-server", "--port", Invariant(port)];
        }
        else
        {
            dll = kuzzleDll ?? KuzzleServerLocator.Find();
            data = Directory.CreateTempSubdirectory("kuzzle-bench-").FullName;
            arguments = ["--port", Invariant(port), "--data", data, .. extraArguments ?? []];
        }

        var child = ChildProcess.Start(DotnetHost.Path, [dll, .. arguments], Environment);
        var server = new ServerProcess(kind, port, child, data);
        try
        {
            await server.WaitReadyAsync(cancellationToken);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Output tail of the server, for error reports.</summary>
    public string Tail() => _child.Tail();

    public void Dispose()
    {
        _child.Dispose();
        if (_dataDirectory is not null)
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        var ready = new Uri($"http://127.0.0.1:{Port}/_ready");
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < ReadyTimeout)
        {
            if (_child.HasExited)
            {
                throw new InvalidOperationException($"{Name} server exited before it was ready; its last output:{System.Environment.NewLine}{Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(ready, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"{Name} server not ready after {ReadyTimeout.TotalSeconds} s; its last output:{System.Environment.NewLine}{Tail()}");
    }

    private static string Invariant(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

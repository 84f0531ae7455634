using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Cluster;

/// <summary>
/// A server node as a separate <c>dotnet Kuzzle.Realtime.Server.dll</c> process on a loopback port, pointed at a shared Redis;
/// dispose to kill it. Output is kept for failure reports.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly string _data;

    private ClusterNode(Process process, int port, string nodeId, string data)
    {
        _process = process;
        Port = port;
        NodeId = nodeId;
        _data = data;
    }

    /// <summary>Listening port.</summary>
    public int Port { get; }

    /// <summary>The node id given with --node-id.</summary>
    public string NodeId { get; }

    /// <summary>WebSocket address.</summary>
    public Uri WebSocketUri => new($"ws://127.0.0.1:{Port}/");

    /// <summary>HTTP address.</summary>
    public Uri HttpUri => new($"http://127.0.0.1:{Port}/");

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>Starts a node and waits until <c>/_ready</c> answers 200.</summary>
    public static async Task<ClusterNode> StartAsync(int redisPort, string nodeId, params string[] extraArgs)
    {
        var port = FreePort();
        var data = Directory.CreateTempSubdirectory("kuzzle-cluster-").FullName;
        var dll = Path.Combine(AppContext.BaseDirectory, "Kuzzle.Realtime.Server.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--host", "127.0.0.1", "--data", data,
            "--redis", $"127.0.0.1:{redisPort}", "--node-id", nodeId, "--Kuzzle:Cluster:HeartbeatInterval=300", "--Kuzzle:Cluster:NodeTtl=1500" }.Concat(extraArgs))
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(psi) ?? throw new InvalidOperationException("dotnet did not start");
        var node = new ClusterNode(process, port, nodeId, data);
        process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await node.WaitReadyAsync(TimeSpan.FromSeconds(60));
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>Connects a WebSocket client.</summary>
    public Task<WsClient> ConnectAsync() => WsClient.ConnectAsync(WebSocketUri);

    /// <summary>GET on the node; returns the status code and body.</summary>
    public async Task<(int Status, string Body)> GetAsync(string path)
    {
        using var http = new HttpClient { BaseAddress = HttpUri, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A counter or gauge of the node's Prometheus page.</summary>
    public async Task<long> MetricAsync(string name)
    {
        var (_, body) = await GetAsync("/metrics");
        var line = body.Split('\n').First(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return long.Parse(line[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Kills the process at once (a crashed node: no clean leave).</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>
    /// Freezes the process (SIGSTOP) for a while, then resumes it (SIGCONT): what a busy machine does to a node that gets no CPU.
    /// Whatever other nodes send meanwhile piles up in its sockets and arrives as one burst.
    /// </summary>
    public async Task FreezeAsync(TimeSpan duration)
    {
        await SignalAsync("STOP");
        try
        {
            await Task.Delay(duration);
        }
        finally
        {
            await SignalAsync("CONT");
        }
    }

    /// <summary>The last lines the node printed.</summary>
    public string Tail() => string.Join(Environment.NewLine, _output.TakeLast(40));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })
            ?? throw new InvalidOperationException("kill did not start");
        await kill.WaitForExitAsync();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200)
        {
            _output.TryDequeue(out _);
        }
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"node {NodeId} exited: {Tail()}");
            }

            try
            {
                if ((await GetAsync("/_ready")).Status == 200)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"node {NodeId} not ready: {Tail()}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

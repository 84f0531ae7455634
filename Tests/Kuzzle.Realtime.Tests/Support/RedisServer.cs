using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Kuzzle.Realtime.Tests.Support;

/// <summary>A real redis-server child process on a free loopback port, without persistence; dispose to kill it.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>A StackExchange.Redis connection string for it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000";

    /// <summary>Starts redis-server (installed by test.sh; a missing binary fails the test).</summary>
    public static async Task<RedisServer> StartAsync(int? port = null)
    {
        var chosen = port ?? FreePort();
        return await StartOnAsync(chosen, null);
    }

    /// <summary>
    /// Starts redis-server with AOF persistence (<c>appendfsync everysec</c>) in <paramref name="directory"/>, so a restart on the same
    /// directory keeps what was written more than about a second before a crash.
    /// </summary>
    public static Task<RedisServer> StartPersistentAsync(string directory, int? port = null) => StartOnAsync(port ?? FreePort(), directory);

    private static async Task<RedisServer> StartOnAsync(int port, string? aofDirectory)
    {
        var psi = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] persistence = aofDirectory is null
            ? ["--appendonly", "no"]
            : ["--appendonly", "yes", "--appendfsync", "everysec", "--dir", aofDirectory];
        foreach (var a in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "" }.Concat(persistence))
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = Environment.TickCount64 + 10_000;
        while (Environment.TickCount64 < deadline)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return new RedisServer(process, port);
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        process.Kill();
        throw new InvalidOperationException("redis-server did not accept connections in time");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

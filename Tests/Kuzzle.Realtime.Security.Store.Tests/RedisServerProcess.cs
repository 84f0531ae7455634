using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Kuzzle.Realtime.Security.Store.Tests;

/// <summary>A real redis-server child process on a free loopback port, without persistence; stopped by its own process id.</summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private Process? _process;

    private RedisServerProcess(int port) => Port = port;

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Installs redis-server when missing (Tests/scripts/redis.sh), then starts it; throws when it cannot.</summary>
    public static async Task<RedisServerProcess> StartAsync(CancellationToken cancellationToken)
    {
        await EnsureInstalledAsync(cancellationToken);
        var server = new RedisServerProcess(FreePort());
        await server.RestartAsync(cancellationToken);
        return server;
    }

    /// <summary>Kills the server (as a crash or network loss would look) and waits for it to be gone.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>Freezes (SIGSTOP) or thaws (SIGCONT) the server: connections stay open but get no answer, like a network stall.</summary>
    public async Task SignalAsync(bool freeze)
    {
        var process = _process ?? throw new InvalidOperationException("redis-server is not running.");
        using var signal = Process.Start(new ProcessStartInfo("kill", [freeze ? "-STOP" : "-CONT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("Could not run kill.");
        await signal.WaitForExitAsync();
        if (signal.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill exited with code {signal.ExitCode}.");
        }
    }

    /// <summary>Starts the server again on the same port (empty: nothing is persisted) and waits until it answers PING.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        await StopAsync();
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilReadyAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode}.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer, cancellationToken);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (SocketException)
            {
            }
            catch (IOException)
            {
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException("redis-server did not answer PING within 10 s.");
    }

    private static async Task EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        if (IsInstalled())
        {
            return;
        }

        var script = FindInstallScript();
        using var install = Process.Start(new ProcessStartInfo("bash", [script]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("Could not run the redis install script.");
        await install.WaitForExitAsync(cancellationToken);
        if (!IsInstalled())
        {
            throw new InvalidOperationException($"redis-server is not installed and {script} could not install it (exit {install.ExitCode}).");
        }
    }

    private static bool IsInstalled()
        => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, "redis-server")));

    private static string FindInstallScript()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "Tests", "scripts", "redis.sh");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("Tests/scripts/redis.sh was not found above the test directory.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

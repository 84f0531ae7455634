using System.Net.Sockets;

namespace Kuzzle.Realtime.Bench.Hosting;

/// <summary>A throwaway redis-server on a free loopback port, without persistence (benchmarks measure the servers, not disks).</summary>
public sealed class RedisProcess : IDisposable
{
    private readonly ChildProcess _child;

    private RedisProcess(ChildProcess child, int port)
    {
        _child = child;
        Port = port;
    }

    /// <summary>Its process id (CPU accounting).</summary>
    public int Pid => _child.Pid;

    /// <summary>Its port.</summary>
    public int Port { get; }

    /// <summary>The connection string servers take with <c>--redis</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Starts redis-server (installed by test.sh, or apt-get install redis-server) and waits until it accepts connections.</summary>
    public static async Task<RedisProcess> StartAsync(CancellationToken cancellationToken)
    {
        var port = ServerProcess.FreePort();
        var child = ChildProcess.Start(
            "redis-server",
            ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            new Dictionary<string, string>());
        var redis = new RedisProcess(child, port);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, cancellationToken);
                return redis;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        redis.Dispose();
        throw new TimeoutException("redis-server did not start; is it installed?");
    }

    /// <inheritdoc />
    public void Dispose() => _child.Dispose();
}

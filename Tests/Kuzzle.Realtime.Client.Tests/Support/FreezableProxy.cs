using System.Net;
using System.Net.Sockets;

namespace Kuzzle.Realtime.Client.Tests.Support;

/// <summary>
/// A loopback TCP proxy in front of the server whose existing connections can be frozen: bytes stop flowing both ways
/// but no socket is closed, which is what a dead network (a pulled cable, a silent NAT drop) looks like to the client.
/// Connections opened after a freeze flow normally.
/// </summary>
public sealed class FreezableProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(TcpClient Client, TcpClient Upstream, CancellationTokenSource Pump)> _links = [];
    private readonly Task _acceptLoop;

    public FreezableProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>Port clients connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far.</summary>
    public int Accepted { get; private set; }

    /// <summary>Stops moving bytes on every open connection, leaving the sockets open.</summary>
    public void FreezeExisting()
    {
        lock (_links)
        {
            foreach (var link in _links)
            {
                link.Pump.Cancel();
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var upstream = new TcpClient();
                await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
                var pump = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                lock (_links)
                {
                    _links.Add((client, upstream, pump));
                    Accepted++;
                }

                _ = CopyAsync(client.GetStream(), upstream.GetStream(), pump.Token);
                _ = CopyAsync(upstream.GetStream(), client.GetStream(), pump.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private static async Task CopyAsync(NetworkStream from, NetworkStream to, CancellationToken frozen)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, frozen);
                if (read == 0)
                {
                    to.Socket.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), frozen);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Frozen (the sockets stay open) or closed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        lock (_links)
        {
            foreach (var (client, upstream, pump) in _links)
            {
                client.Dispose();
                upstream.Dispose();
                pump.Dispose();
            }
        }

        _stop.Dispose();
    }
}

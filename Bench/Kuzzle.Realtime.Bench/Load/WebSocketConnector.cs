using System.Net.Http;
using System.Net.WebSockets;

namespace Kuzzle.Realtime.Bench.Load;

/// <summary>Opens client WebSockets through one shared handler: no proxy (loopback only), no keep-alive frames.</summary>
public static class WebSocketConnector
{
    private static readonly HttpMessageInvoker Invoker = new(new SocketsHttpHandler { UseProxy = false });

    public static async Task<ClientWebSocket> ConnectAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        // Idle sockets must stay idle, and unsolicited pongs would be extra server work in a throughput run.
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(url, Invoker, cts.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Refuses anything but loopback: the bench must never send traffic off the machine.</summary>
    public static Uri ParseLoopbackUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != "ws" && url.Scheme != "wss"))
        {
            throw new Cli.UsageException($"not a ws:// URL: '{text}'");
        }

        if (!url.IsLoopback)
        {
            throw new Cli.UsageException($"only loopback targets are allowed, got '{url.Host}'");
        }

        return url;
    }
}

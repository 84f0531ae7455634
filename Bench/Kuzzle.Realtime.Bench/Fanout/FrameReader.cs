using System.Net.WebSockets;

namespace Kuzzle.Realtime.Bench.Fanout;

/// <summary>The receive loop of a bench subscriber: each whole message goes to a handler that says whether it counts.</summary>
public static class FrameReader
{
    /// <summary>Handles one received message; returns true when it counts.</summary>
    public delegate bool FrameHandler(ReadOnlySpan<byte> frame);

    // Reads until the run stops or the server drops the socket (counted as a disconnect), calling onCounted for each counted frame.
    public static async Task ReadAsync(ClientWebSocket socket, FrameHandler handle, Action onCounted, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var r = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (r.EndOfMessage && handle(buffer.AsSpan(0, r.Count)))
                {
                    onCounted();
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
    }
}

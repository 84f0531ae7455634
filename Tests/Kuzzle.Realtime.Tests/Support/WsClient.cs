using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Kuzzle.Realtime.Tests.Support;

/// <summary>A raw WebSocket client speaking text frames, like wscat.</summary>
public sealed class WsClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private WsClient(ClientWebSocket socket) => Socket = socket;

    /// <summary>The underlying socket.</summary>
    public ClientWebSocket Socket { get; }

    /// <summary>Connects.</summary>
    public static async Task<WsClient> ConnectAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        configure?.Invoke(socket.Options);
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await socket.ConnectAsync(uri, cts.Token);
        return new WsClient(socket);
    }

    /// <summary>Sends a text frame.</summary>
    public Task SendTextAsync(string text) => SendBytesAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    /// <summary>Sends raw bytes as one frame.</summary>
    public async Task SendBytesAsync(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await Socket.SendAsync(bytes, type, true, cts.Token);
    }

    /// <summary>Sends a request object and waits for the frame whose room is its request id.</summary>
    public async Task<JsonElement> RequestAsync(string json)
    {
        await SendTextAsync(json);
        using var doc = JsonDocument.Parse(json);
        var requestId = doc.RootElement.TryGetProperty("requestId", out var id) ? id.GetString() : null;
        while (true)
        {
            var frame = await ReceiveJsonAsync();
            if (requestId is null || (frame.TryGetProperty("room", out var room) && room.GetString() == requestId))
            {
                return frame;
            }
        }
    }

    /// <summary>Receives one text frame as a string.</summary>
    public async Task<string> ReceiveTextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var buffer = new byte[64 * 1024];
        using var ms = new MemoryStream();
        while (true)
        {
            var r = await Socket.ReceiveAsync(buffer, cts.Token);
            if (r.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketClosedException(Socket.CloseStatus, Socket.CloseStatusDescription);
            }

            ms.Write(buffer, 0, r.Count);
            if (r.EndOfMessage)
            {
                return Encoding.UTF8.GetString(ms.ToArray());
            }
        }
    }

    /// <summary>Receives one frame as JSON.</summary>
    public async Task<JsonElement> ReceiveJsonAsync(TimeSpan? timeout = null) => TestServer.Json(await ReceiveTextAsync(timeout));

    /// <summary>Waits until the server closes the socket; returns the close status (null for an abrupt close).</summary>
    public async Task<WebSocketCloseStatus?> WaitForCloseAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var r = await Socket.ReceiveAsync(buffer, cts.Token);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return Socket.CloseStatus;
                }
            }
        }
        catch (WebSocketException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Socket.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Already closed by the server.
        }

        Socket.Dispose();
    }
}

/// <summary>The server closed the socket while a frame was expected.</summary>
public sealed class WebSocketClosedException(WebSocketCloseStatus? status, string? description)
    : Exception($"socket closed: {status} {description}")
{
    /// <summary>Close status.</summary>
    public WebSocketCloseStatus? Status { get; } = status;
}

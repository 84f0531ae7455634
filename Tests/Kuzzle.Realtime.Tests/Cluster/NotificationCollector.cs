using System.Collections.Concurrent;
using System.Text.Json;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Cluster;

/// <summary>Reads every frame a subscribed client receives, in the background, until disposed.</summary>
public sealed class NotificationCollector : IAsyncDisposable
{
    private readonly WsClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>Starts reading. The client must not send requests meanwhile (their answers would land here).</summary>
    public NotificationCollector(WsClient client)
    {
        _client = client;
        _loop = Task.Run(ReadAsync);
    }

    /// <summary>Why reading stopped early, if it did (for failure reports).</summary>
    public string State => _loop.IsCompleted ? $"stopped: {_loop.Exception?.InnerException?.Message ?? _client.Socket.CloseStatus?.ToString() ?? "closed"}" : "reading";

    /// <summary>Frames received so far.</summary>
    public ConcurrentQueue<JsonElement> Frames { get; } = new();

    /// <summary>Document notifications' <c>_source.seq</c> values, in arrival order.</summary>
    public List<long> Sequences() => [.. Frames
        .Where(f => f.TryGetProperty("type", out var t) && t.GetString() == "document")
        .Select(f => f.GetProperty("result").GetProperty("_source").GetProperty("seq").GetInt64())];

    /// <summary>Frames of type <c>user</c>.</summary>
    public List<JsonElement> UserNotifications() => [.. Frames.Where(f => f.TryGetProperty("type", out var t) && t.GetString() == "user")];

    /// <summary>Waits until the condition holds or the timeout passes.</summary>
    public async Task<bool> WaitForAsync(Func<NotificationCollector, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition(this))
            {
                return true;
            }

            await Task.Delay(20);
        }

        return condition(this);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketClosedException or System.Net.WebSockets.WebSocketException)
        {
        }

        _stop.Dispose();
    }

    // Reads the socket directly: cancelling a ClientWebSocket receive aborts the socket, which is only wanted at disposal.
    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (!_stop.IsCancellationRequested)
        {
            var r = await _client.Socket.ReceiveAsync(buffer, _stop.Token);
            if (r.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
            {
                return;
            }

            message.Write(buffer, 0, r.Count);
            if (r.EndOfMessage)
            {
                using var doc = JsonDocument.Parse(message.ToArray());
                Frames.Enqueue(doc.RootElement.Clone());
                message.SetLength(0);
            }
        }
    }
}

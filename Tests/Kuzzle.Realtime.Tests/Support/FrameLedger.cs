using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Kuzzle.Realtime.Tests.Support;

/// <summary>
/// A WebSocket client that reads every frame in the background and keeps the books: document notifications by (channel, seq) with
/// duplicates counted, answers by request id, and how the socket ended (close frame with its code, or an abort). Reading can be
/// paused to play a client that stops reading. Requests are sent without waiting for their answers (pipelining).
/// </summary>
public sealed class FrameLedger : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    private readonly WebSocket _socket;
    private readonly IDisposable? _transport;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<(string Channel, long Seq), byte> _notifications = new();
    private readonly ConcurrentDictionary<string, JsonElement> _answers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private TaskCompletionSource? _paused;
    private long _duplicates;
    private long _duplicateAnswers;

    private FrameLedger(WebSocket socket, IDisposable? transport)
    {
        _socket = socket;
        _transport = transport;
        _loop = Task.Run(ReadAsync);
    }

    /// <summary>Connects with a <see cref="ClientWebSocket"/>.</summary>
    public static async Task<FrameLedger> ConnectAsync(Uri uri)
    {
        var socket = new ClientWebSocket();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await socket.ConnectAsync(uri, cts.Token);
        return new FrameLedger(socket, null);
    }

    /// <summary>
    /// Connects over a raw TCP socket with a small receive buffer (the handshake done by hand), so that a paused ledger fills the
    /// kernel buffers quickly instead of absorbing megabytes.
    /// </summary>
    public static async Task<FrameLedger> ConnectSmallBufferAsync(int port, int receiveBufferSize)
    {
        var tcp = new TcpClient { ReceiveBufferSize = receiveBufferSize };
        await tcp.ConnectAsync("127.0.0.1", port);
        var stream = tcp.GetStream();
        var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        var handshake = $"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(handshake));

        // Read the 101 answer byte by byte up to the blank line, so no WebSocket byte is consumed here.
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                throw new IOException("the server closed the connection during the handshake");
            }

            head.Append((char)one[0]);
        }

        if (!head.ToString().StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            throw new IOException("upgrade refused: " + head);
        }

        var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        return new FrameLedger(socket, tcp);
    }

    /// <summary>Duplicated document notifications received.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates) + Interlocked.Read(ref _duplicateAnswers);

    /// <summary>Distinct document notifications received.</summary>
    public int NotificationCount => _notifications.Count;

    /// <summary>Distinct answers received.</summary>
    public int AnswerCount => _answers.Count;

    /// <summary>True once the server's close frame was read.</summary>
    public bool CloseFrameReceived { get; private set; }

    /// <summary>The close code of the server's close frame.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>The close reason of the server's close frame.</summary>
    public string? CloseDescription => _socket.CloseStatusDescription;

    /// <summary>Why reading ended: a close frame, an abort (the exception), or still reading.</summary>
    public string State { get; private set; } = "reading";

    /// <summary>True while the background reader runs.</summary>
    public bool IsReading => !_loop.IsCompleted;

    /// <summary>Whether (channel, seq) was received.</summary>
    public bool Has(string channel, long seq) => _notifications.ContainsKey((channel, seq));

    /// <summary>The answer to a request, once received.</summary>
    public JsonElement? Answer(string requestId) => _answers.TryGetValue(requestId, out var a) ? a : null;

    /// <summary>Sends one request frame without waiting for its answer.</summary>
    public async Task SendAsync(string json)
    {
        await _sendLock.WaitAsync();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, cts.Token);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends a request and waits for its answer.</summary>
    public async Task<JsonElement> RequestAsync(string json, string requestId)
    {
        await SendAsync(json);
        await WaitForAsync(l => l._answers.ContainsKey(requestId), $"answer {requestId}");
        return _answers[requestId];
    }

    /// <summary>Subscribes to a channel and returns its name.</summary>
    public async Task<string> SubscribeAsync(string index, string collection, string filter)
    {
        var id = "sub-" + Guid.NewGuid().ToString("N");
        var answer = await RequestAsync(
            $$"""{"controller":"realtime","action":"subscribe","index":"{{index}}","collection":"{{collection}}","body":{{filter}},"requestId":"{{id}}"}""", id);
        if (answer.GetProperty("status").GetInt32() != 200)
        {
            throw new InvalidOperationException("subscribe failed: " + answer);
        }

        return answer.GetProperty("result").GetProperty("channel").GetString()!;
    }

    /// <summary>Stops reading (the socket's receive buffers then fill up).</summary>
    public void Pause() => Interlocked.CompareExchange(ref _paused, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);

    /// <summary>Reads again.</summary>
    public void Resume() => Interlocked.Exchange(ref _paused, null)?.TrySetResult();

    /// <summary>Waits until the condition holds (polled), failing with a description after the timeout.</summary>
    public async Task WaitForAsync(Func<FrameLedger, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!condition(this))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}: {NotificationCount} notifications, {AnswerCount} answers, {State}");
            }

            await Task.Delay(10); // Polling a condition set by the background reader.
        }
    }

    /// <summary>Waits until the reader ended (close frame or abort).</summary>
    public Task WaitForEndAsync(TimeSpan? timeout = null) => WaitForAsync(l => !l.IsReading, "the socket to end", timeout);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Resume();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Already closed by the server.
        }

        await _stop.CancelAsync();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
        }

        _socket.Dispose();
        _transport?.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                if (Volatile.Read(ref _paused) is { } paused)
                {
                    await paused.Task.WaitAsync(_stop.Token);
                }

                var r = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    CloseFrameReceived = true;
                    State = $"closed by the server: {_socket.CloseStatus} {_socket.CloseStatusDescription}";
                    return;
                }

                message.Write(buffer, 0, r.Count);
                if (r.EndOfMessage)
                {
                    Record(message.GetBuffer().AsMemory(0, (int)message.Length));
                    message.SetLength(0);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            State = "aborted: " + ex.Message;
        }
    }

    private void Record(ReadOnlyMemory<byte> frame)
    {
        using var doc = JsonDocument.Parse(frame);
        var root = doc.RootElement;
        if (root.TryGetProperty("type", out var type) && type.GetString() == "document")
        {
            var key = (root.GetProperty("room").GetString()!, root.GetProperty("result").GetProperty("_source").GetProperty("seq").GetInt64());
            if (!_notifications.TryAdd(key, 0))
            {
                Interlocked.Increment(ref _duplicates);
            }
        }
        else if (root.TryGetProperty("requestId", out var id) && id.GetString() is { } requestId && root.TryGetProperty("status", out _))
        {
            if (!_answers.TryAdd(requestId, root.Clone()))
            {
                Interlocked.Increment(ref _duplicateAnswers);
            }
        }
    }
}

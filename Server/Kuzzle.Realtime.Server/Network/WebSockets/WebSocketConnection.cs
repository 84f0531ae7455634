using System.Collections.Concurrent;
using System.Net.WebSockets;
using Kuzzle.Realtime.Server.Api;
using Kuzzle.Realtime.Server.Network.Buffers;

namespace Kuzzle.Realtime.Server.Network.WebSockets;

/// <summary>Why the server closed a socket.</summary>
public enum CloseReason
{
    /// <summary>The send queue overflowed: the client does not read.</summary>
    SlowConsumer,

    /// <summary>The node is stopping.</summary>
    Shutdown,

    /// <summary>No inbound traffic for the idle timeout.</summary>
    Idle,

    /// <summary>The server asked this connection to go.</summary>
    Kicked,
}

/// <summary>
/// One WebSocket client: its bounded send queue and its liveness. Frames go out in order through a single sender at a time;
/// a caller that finds the socket free sends inline (no hop), others enqueue and the current sender drains for them.
/// </summary>
public sealed class WebSocketConnection : IConnectionInfo, IDisposable
{
    private readonly WebSocket _socket;
    private readonly int _maxQueuedFrames;
    private readonly long _maxQueuedBytes;
    private readonly ConcurrentQueue<OutboundFrame> _queue = new();
    private readonly CancellationTokenSource _aborted = new();
    private int _queuedFrames;
    private long _queuedBytes;
    private int _sending;
    private int _closed;
    private long _lastInboundTicks;
    private long _rateWindow;
    private int _rateCount;
    private TaskCompletionSource? _progress;

    /// <summary>Creates the connection state for an accepted socket.</summary>
    public WebSocketConnection(string id, WebSocket socket, string remoteAddress, string? origin, int maxQueuedFrames, long maxQueuedBytes)
    {
        Id = id;
        _socket = socket;
        RemoteAddress = remoteAddress;
        Origin = origin;
        _maxQueuedFrames = maxQueuedFrames;
        _maxQueuedBytes = maxQueuedBytes;
        _lastInboundTicks = Environment.TickCount64;
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public string Protocol => "websocket";

    /// <inheritdoc />
    public string RemoteAddress { get; }

    /// <inheritdoc />
    public string? Origin { get; }

    /// <summary>The <c>authToken</c> cookie of the upgrade request, if any: it authenticates requests that carry no token.</summary>
    public string? CookieToken { get; init; }

    /// <summary>
    /// The last token a frame of this connection carried: the next frame carrying the same one reuses this string. Touched only by
    /// the connection's receive loop.
    /// </summary>
    internal string? LastJwt { get; set; }

    /// <inheritdoc />
    public bool IsAlive => Volatile.Read(ref _closed) == 0 && _socket.State == WebSocketState.Open;

    /// <summary>Cancelled when the connection is aborted or closed.</summary>
    public CancellationToken Aborted => _aborted.Token;

    /// <summary>Why the server closed it, when it did.</summary>
    public CloseReason? ClosedBy { get; private set; }

    /// <summary>Milliseconds since the last inbound message.</summary>
    public long IdleMilliseconds => Environment.TickCount64 - Volatile.Read(ref _lastInboundTicks);

    /// <summary>Frames waiting to be sent.</summary>
    public int QueuedFrames => Volatile.Read(ref _queuedFrames);

    /// <summary>
    /// True when half the send queue (frames or bytes) is in use. Senders that can wait (cross-node delivery) pause on it, so that a
    /// burst caused by a busy machine is not mistaken for a client that does not read.
    /// </summary>
    public bool IsCongested =>
        Volatile.Read(ref _queuedFrames) * 2L >= _maxQueuedFrames || Volatile.Read(ref _queuedBytes) * 2 >= _maxQueuedBytes;

    /// <summary>Waits until the socket is no longer <see cref="IsCongested"/> or is closed.</summary>
    public async Task WaitUncongestedAsync(CancellationToken cancellationToken)
    {
        while (IsCongested && Volatile.Read(ref _closed) == 0)
        {
            var signal = Volatile.Read(ref _progress);
            if (signal is null)
            {
                var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                signal = Interlocked.CompareExchange(ref _progress, fresh, null) ?? fresh;
            }

            // Checked again after the signal is in place: a frame sent in between would otherwise not wake us.
            if (!IsCongested || Volatile.Read(ref _closed) != 0)
            {
                return;
            }

            await signal.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Records inbound traffic (idle timeout counts inbound only, as Kuzzle does).</summary>
    public void MarkInbound() => Volatile.Write(ref _lastInboundTicks, Environment.TickCount64);

    /// <summary>Counts one message against the per-second socket limit; false when over it. Only the receive loop calls this.</summary>
    public bool TryCountMessage(int limitPerSecond)
    {
        if (limitPerSecond <= 0)
        {
            return true;
        }

        var window = Environment.TickCount64 / 1000;
        if (window != _rateWindow)
        {
            _rateWindow = window;
            _rateCount = 0;
        }

        return ++_rateCount <= limitPerSecond;
    }

    /// <summary>
    /// Sends a frame, inline when nobody else is sending. Used for the connection's own responses: awaiting here only slows this client.
    /// The frame is released in every case.
    /// </summary>
    public ValueTask SendAsync(OutboundFrame frame)
    {
        if (!Enqueue(frame))
        {
            return ValueTask.CompletedTask;
        }

        return Interlocked.CompareExchange(ref _sending, 1, 0) == 0 ? new ValueTask(DrainAsync()) : ValueTask.CompletedTask;
    }

    /// <summary>
    /// Queues a frame and never waits: used for fan-out, so one slow subscriber never blocks a publisher. The frame is released in every case.
    /// </summary>
    public void Post(OutboundFrame frame)
    {
        if (Enqueue(frame) && Interlocked.CompareExchange(ref _sending, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static c => _ = c.DrainAsync(), this, preferLocal: false);
        }
    }

    /// <summary>Closes the socket with a code and reason (best effort) and cancels its work.</summary>
    public async Task CloseAsync(CloseReason reason, WebSocketCloseStatus status, string description)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        ClosedBy = reason;
        SignalProgress();
        var graceful = false;
        try
        {
            if (_socket.State == WebSocketState.Open && reason is not CloseReason.SlowConsumer and not CloseReason.Idle)
            {
                using var timeout = new CancellationTokenSource(CloseHandshakeTimeout);
                await _socket.CloseOutputAsync(status, description, timeout.Token);
                graceful = true;
            }
            else
            {
                _socket.Abort();
            }
        }
        catch (Exception) when (_socket.State != WebSocketState.Open)
        {
            // Already gone: nothing to tell the peer.
        }
        catch (OperationCanceledException)
        {
            _socket.Abort();
        }

        if (graceful)
        {
            // Let the receive loop read the peer's close reply (cancelling a receive aborts the socket and can drop our close frame),
            // but never wait on a peer that does not answer.
            CancelLater();
        }
        else
        {
            await CancelNowAsync();
        }
    }

    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);

    private void CancelLater()
    {
        try
        {
            _aborted.CancelAfter(CloseHandshakeTimeout);
        }
        catch (ObjectDisposedException)
        {
            // The receive loop already ended.
        }
    }

    private async Task CancelNowAsync()
    {
        try
        {
            await _aborted.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The receive loop already ended.
        }
    }

    /// <summary>Releases every queued frame; called once the receive loop ended.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _closed, 1);
        while (_queue.TryDequeue(out var f))
        {
            f.Release();
        }

        SignalProgress();

        _aborted.Cancel();
        _aborted.Dispose();
    }

    private bool Enqueue(OutboundFrame frame)
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            frame.Release();
            return false;
        }

        var frames = Interlocked.Increment(ref _queuedFrames);
        var bytes = Interlocked.Add(ref _queuedBytes, frame.Length);

        // WARNING: the bound is checked before the frame is queued, so memory held for one client never exceeds the limits.
        if (frames > _maxQueuedFrames || bytes > _maxQueuedBytes)
        {
            Interlocked.Decrement(ref _queuedFrames);
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            frame.Release();
            SlowConsumerDetected?.Invoke(this);
            _ = CloseAsync(CloseReason.SlowConsumer, WebSocketCloseStatus.InternalServerError, "too much backpressure: client is too slow");
            return false;
        }

        _queue.Enqueue(frame);
        return true;
    }

    /// <summary>Raised when the queue overflows (metrics).</summary>
    public event Action<WebSocketConnection>? SlowConsumerDetected;

    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                while (_queue.TryDequeue(out var frame))
                {
                    Interlocked.Decrement(ref _queuedFrames);
                    Interlocked.Add(ref _queuedBytes, -frame.Length);
                    SignalProgress();
                    try
                    {
                        if (Volatile.Read(ref _closed) == 0)
                        {
                            await _socket.SendAsync(frame.Memory, WebSocketMessageType.Text, true, _aborted.Token);
                        }
                    }
                    finally
                    {
                        frame.Release();
                    }
                }

                Volatile.Write(ref _sending, 0);

                // A frame queued after the last dequeue but before the flag dropped would otherwise wait forever.
                if (_queue.IsEmpty || Interlocked.CompareExchange(ref _sending, 1, 0) != 0)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            Volatile.Write(ref _sending, 0);
            Interlocked.Exchange(ref _closed, 1);
            _socket.Abort();
            while (_queue.TryDequeue(out var f))
            {
                Interlocked.Decrement(ref _queuedFrames);
                f.Release();
            }

            SignalProgress();
        }
    }

    // Cheap when nobody waits (one read); wakes the waiters of WaitUncongestedAsync otherwise.
    private void SignalProgress()
    {
        if (Volatile.Read(ref _progress) is not null)
        {
            Interlocked.Exchange(ref _progress, null)?.TrySetResult();
        }
    }
}

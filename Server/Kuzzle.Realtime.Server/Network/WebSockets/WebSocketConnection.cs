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

/// <summary>How much a socket may hold unsent, and for how long, before it is closed as too slow (protocol.md §4.6).</summary>
/// <param name="MaxQueuedBytes">Unsent bytes beyond which the socket is too slow (<c>SendQueueBytes</c>).</param>
/// <param name="StallTimeout">Longest a write may wait on a peer that does not read (<c>SendStallTimeout</c>).</param>
/// <param name="Total">Bytes queued on every socket of the node together.</param>
public sealed record SendQueuePolicy(long MaxQueuedBytes, TimeSpan StallTimeout, SendQueueBudget Total);

/// <summary>
/// One WebSocket client: its send queue, bounded by bytes and time, never by a frame count, and its liveness. Frames go out in order
/// through a single sender at a time, which writes every frame queued so far into one batch and hands it to the transport in one
/// write (<see cref="BatchedWriteStream"/>). A socket that keeps reading is never closed; one whose unsent bytes exceed the budget, or
/// whose writes make no progress for the stall timeout, gets a close frame 1011.
/// </summary>
public sealed class WebSocketConnection : IConnectionInfo, IDisposable
{
    /// <summary>Close reason sent to a client that does not read fast enough (Kuzzle's text).</summary>
    public const string TooSlowDescription = "too much backpressure: client is too slow";

    // A batch this large is written before the next one is built, so the transport starts sending early in a long burst.
    private const int MaxBatchBytes = 256 * 1024;

    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);

    private readonly WebSocket _socket;
    private readonly BatchedWriteStream? _stream;
    private readonly SendQueuePolicy _policy;
    private readonly ConcurrentQueue<OutboundFrame> _queue = new();
    private readonly CancellationTokenSource _aborted = new();
    private long _queuedBytes;
    private int _sending;
    private int _closed;
    private int _tooSlow;
    private long _lastInboundTicks;
    private long _writeStartedTicks;
    private long _rateWindow;
    private int _rateCount;
    private TaskCompletionSource? _progress;

    /// <summary>Creates the connection state for an accepted socket.</summary>
    /// <param name="stream">The socket's transport when writes can be batched; null writes each frame on its own.</param>
    public WebSocketConnection(string id, WebSocket socket, BatchedWriteStream? stream, string remoteAddress, string? origin, SendQueuePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Id = id;
        _socket = socket;
        _stream = stream;
        RemoteAddress = remoteAddress;
        Origin = origin;
        _policy = policy;
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

    /// <inheritdoc />
    public bool IsPersistent => true;

    /// <summary>Cancelled when the connection is aborted or closed.</summary>
    public CancellationToken Aborted => _aborted.Token;

    /// <summary>Why the server closed it, when it did.</summary>
    public CloseReason? ClosedBy { get; private set; }

    /// <summary>Milliseconds since the last inbound message.</summary>
    public long IdleMilliseconds => Environment.TickCount64 - Volatile.Read(ref _lastInboundTicks);

    /// <summary>Bytes queued and not yet handed to the transport (the batch being written included).</summary>
    public long QueuedBytes => Volatile.Read(ref _queuedBytes);

    /// <summary>Milliseconds the current write has been waiting on the peer; 0 when no write is waiting.</summary>
    public long StalledMilliseconds
    {
        get
        {
            var started = Volatile.Read(ref _writeStartedTicks);
            return started == 0 ? 0 : Environment.TickCount64 - started;
        }
    }

    /// <summary>
    /// True when half the byte budget is in use. Senders that can wait (the socket's own receive loop, cross-node delivery) pause on
    /// it, so that a burst is absorbed by the network instead of the queue.
    /// </summary>
    public bool IsCongested => Volatile.Read(ref _queuedBytes) * 2 >= _policy.MaxQueuedBytes;

    /// <summary>Raised once when the socket is closed as too slow (metrics, log); the text says which limit it hit.</summary>
    public event Action<WebSocketConnection, string>? TooSlow;

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

            // Checked again after the signal is in place: a batch sent in between would otherwise not wake us.
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
    /// <inheritdoc cref="IConnectionInfo.Post"/>
    public void Post(OutboundFrame frame)
    {
        if (Enqueue(frame) && Interlocked.CompareExchange(ref _sending, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static c => _ = c.DrainAsync(), this, preferLocal: false);
        }
    }

    /// <summary>
    /// Closes the socket as too slow: its unsent frames are dropped and a close frame 1011 follows what the transport already holds.
    /// </summary>
    /// <param name="why">Which limit was hit, for the log.</param>
    public void CloseAsTooSlow(string why)
    {
        // Several limits may trip at once (byte budget, stall sweep, node-wide cap): the socket is reported and closed once.
        if (Volatile.Read(ref _closed) != 0 || Interlocked.Exchange(ref _tooSlow, 1) != 0)
        {
            return;
        }

        TooSlow?.Invoke(this, why);
        _ = CloseAsync(CloseReason.SlowConsumer, WebSocketCloseStatus.InternalServerError, TooSlowDescription);
    }

    /// <summary>Closes the socket with a code and reason and cancels its work; frames not yet sent are dropped.</summary>
    public async Task CloseAsync(CloseReason reason, WebSocketCloseStatus status, string description)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        ClosedBy = reason;
        ReleaseQueued();
        SignalProgress();

        // A slow client gets as long to read its close frame as it had to read anything, then is dropped.
        var handshake = reason == CloseReason.SlowConsumer && _policy.StallTimeout > CloseHandshakeTimeout ? _policy.StallTimeout : CloseHandshakeTimeout;
        var graceful = false;
        try
        {
            if (_socket.State == WebSocketState.Open && reason is not CloseReason.Idle)
            {
                using var timeout = new CancellationTokenSource(handshake);
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
            // Already gone, or the close frame could not be written in time (the WebSocket then aborted itself).
        }
        catch (OperationCanceledException)
        {
            _socket.Abort();
        }

        if (graceful)
        {
            // Let the receive loop read the peer's close reply (cancelling a receive aborts the socket and can drop our close frame),
            // but never wait on a peer that does not answer.
            CancelLater(handshake);
        }
        else
        {
            await CancelNowAsync();
        }
    }

    private void CancelLater(TimeSpan delay)
    {
        try
        {
            _aborted.CancelAfter(delay);
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
        ReleaseQueued();
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

        // WARNING: the bound is checked before the frame is queued, so memory held for one client never exceeds the budget.
        var bytes = Interlocked.Add(ref _queuedBytes, frame.Length);
        if (bytes > _policy.MaxQueuedBytes)
        {
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            frame.Release();
            CloseAsTooSlow("send queue over " + _policy.MaxQueuedBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) + " bytes");
            return false;
        }

        _policy.Total.Add(frame.Length);
        _queue.Enqueue(frame);

        // Closed meanwhile: the closer may have emptied the queue before this frame went in.
        if (Volatile.Read(ref _closed) != 0)
        {
            ReleaseQueued();
            return false;
        }

        return true;
    }

    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                while (!_queue.IsEmpty && Volatile.Read(ref _closed) == 0)
                {
                    await SendBatchAsync();
                }

                Volatile.Write(ref _sending, 0);

                // A frame queued after the last dequeue but before the flag dropped would otherwise wait forever.
                if (_queue.IsEmpty || Volatile.Read(ref _closed) != 0 || Interlocked.CompareExchange(ref _sending, 1, 0) != 0)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            Volatile.Write(ref _sending, 0);
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                // The transport failed under us (peer reset): nothing can be said to the peer any more.
                _socket.Abort();
            }

            ReleaseQueued();
            SignalProgress();
        }
    }

    // Writes every queued frame (up to MaxBatchBytes) into one batch, then hands the batch to the transport in one write.
    private async Task SendBatchAsync()
    {
        long batched = 0;
        try
        {
            _stream?.BeginBatch();
            while (batched < MaxBatchBytes && _queue.TryDequeue(out var frame))
            {
                batched += frame.Length;
                try
                {
                    if (Volatile.Read(ref _closed) == 0)
                    {
                        var write = _socket.SendAsync(frame.Memory, WebSocketMessageType.Text, true, _aborted.Token);
                        if (!write.IsCompletedSuccessfully)
                        {
                            // Not batched (no batching transport, or a pong being written): this write waits on the peer.
                            MarkWriteStarted();
                            await write;
                            Volatile.Write(ref _writeStartedTicks, 0);
                        }
                    }
                }
                catch (WebSocketException) when (Volatile.Read(ref _closed) != 0)
                {
                    // Closing: the close frame is already written, nothing more may follow it.
                }
                finally
                {
                    frame.Release();
                }
            }
        }
        finally
        {
            try
            {
                if (_stream is not null)
                {
                    // WARNING: flushed even when closing, since the batch may hold the close frame.
                    MarkWriteStarted();
                    await _stream.FlushBatchAsync(_aborted.Token);
                }
            }
            finally
            {
                Volatile.Write(ref _writeStartedTicks, 0);
                Interlocked.Add(ref _queuedBytes, -batched);
                _policy.Total.Add(-batched);
                SignalProgress();
            }
        }
    }

    private void MarkWriteStarted() => Volatile.Write(ref _writeStartedTicks, Math.Max(1, Environment.TickCount64));

    private void ReleaseQueued()
    {
        while (_queue.TryDequeue(out var frame))
        {
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            _policy.Total.Add(-frame.Length);
            frame.Release();
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

using System.Diagnostics;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace Kuzzle.Realtime.Bench.Load;

/// <summary>
/// One client socket in a closed loop: send one frame, await its answer, repeat. Buffers are allocated once per
/// connection; the loop itself allocates nothing.
/// </summary>
public sealed class RttConnection
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly int _index;
    private readonly RttOptions _options;
    private readonly RttCounters _counters;
    private readonly PayloadTemplate _template;
    private readonly SemaphoreSlim _ramp;
    private readonly byte[] _send;
    private readonly byte[] _roomNeedle;
    private readonly int _needleIdOffset;
    private byte[] _receive = new byte[16 * 1024];
    private ClientWebSocket? _socket;
    private long _pendingSince;
    private int _timedOut;

    public RttConnection(int index, RttOptions options, RttCounters counters, PayloadTemplate template, SemaphoreSlim ramp)
    {
        _index = index;
        _options = options;
        _counters = counters;
        _template = template;
        _ramp = ramp;
        _send = new byte[template.Length];
        template.CopyTo(_send);
        _roomNeedle = ReplyMatcher.NewRoomNeedle(out _needleIdOffset);
    }

    /// <summary>Connects (retrying after failures) and runs round trips until the run stops.</summary>
    public async Task RunAsync(Task start, CancellationToken cancellationToken)
    {
        var firstAttempt = true;
        while (!_counters.Stopping && !cancellationToken.IsCancellationRequested)
        {
            var socket = await TryConnectAsync(cancellationToken);
            if (firstAttempt)
            {
                firstAttempt = false;
                _counters.Attempted();
            }

            if (socket is null)
            {
                await DelayQuietlyAsync(cancellationToken);
                continue;
            }

            _socket = socket;
            _counters.Opened();
            var failed = false;
            try
            {
                await start.WaitAsync(cancellationToken);
                await LoopAsync(socket, cancellationToken);
                await CloseQuietlyAsync(socket);
            }
            catch (Exception) when (!_counters.Stopping && !cancellationToken.IsCancellationRequested)
            {
                failed = true;
            }
            catch (Exception)
            {
                // Stopping: the pending round trip was cut short on purpose.
            }
            finally
            {
                // WARNING: clear the pending mark before the timeout flag, or the watchdog counts this request again.
                Volatile.Write(ref _pendingSince, 0);
                var timedOut = Interlocked.Exchange(ref _timedOut, 0) == 1;
                if (failed && !timedOut)
                {
                    // A timeout was counted by the watchdog; anything else is a lost connection.
                    _counters.Closed();
                }

                _counters.Released();
                _socket = null;
                socket.Dispose();
            }

            if (failed)
            {
                await DelayQuietlyAsync(cancellationToken);
            }
        }
    }

    /// <summary>Called by the watchdog: aborts the socket when the pending request is older than the timeout.</summary>
    public void CheckTimeout(long now, long timeoutTicks)
    {
        var since = Volatile.Read(ref _pendingSince);
        if (since != 0 && now - since > timeoutTicks && Interlocked.Exchange(ref _timedOut, 1) == 0)
        {
            _counters.TimedOut();
            _socket?.Abort();
        }
    }

    private async Task<ClientWebSocket?> TryConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _ramp.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        try
        {
            return await WebSocketConnector.ConnectAsync(_options.Url, TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds), cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _counters.ConnectFailed(ex);
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        finally
        {
            _ramp.Release();
        }
    }

    private async Task LoopAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var hasId = _template.HasId;
        var idOffset = _template.IdOffset;
        var message = _send.AsMemory();
        long sequence = 0;
        while (!_counters.Stopping)
        {
            if (hasId)
            {
                var id = _send.AsSpan(idOffset, PayloadTemplate.IdLength);
                PayloadTemplate.WriteId(id, _index, ++sequence);
                id.CopyTo(_roomNeedle.AsSpan(_needleIdOffset));
            }

            var sentAt = Stopwatch.GetTimestamp();
            Volatile.Write(ref _pendingSince, sentAt);
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

            var kind = ReplyKind.Unrelated;
            while (kind == ReplyKind.Unrelated)
            {
                var length = await ReceiveMessageAsync(socket, cancellationToken);
                kind = ReplyMatcher.Classify(_receive.AsSpan(0, length), _send, _roomNeedle, hasId);
            }

            Volatile.Write(ref _pendingSince, 0);
            switch (kind)
            {
                case ReplyKind.Answer:
                    _counters.RoundTrip((long)Stopwatch.GetElapsedTime(sentAt).TotalMicroseconds);
                    break;
                case ReplyKind.ErrorAnswer:
                    _counters.ErrorAnswer();
                    break;
                default:
                    _counters.ErrorFrame();
                    break;
            }
        }
    }

    // Pooled builder: this method suspends on nearly every call, and a fresh state-machine box each time would be
    // the loop's only allocation.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReceiveMessageAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            if (length == _receive.Length)
            {
                Array.Resize(ref _receive, _receive.Length * 2);
            }

            var result = await socket.ReceiveAsync(_receive.AsMemory(length), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "the server closed the connection");
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return length;
            }
        }
    }

    private static async Task CloseQuietlyAsync(ClientWebSocket socket)
    {
        try
        {
            using var cts = new CancellationTokenSource(CloseTimeout);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
        }
        catch (Exception)
        {
            // Best effort: the run is over either way.
        }
    }

    private static async Task DelayQuietlyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(RetryDelay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}

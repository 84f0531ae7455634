using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace Kuzzle.Realtime.Client.Internal;

/// <summary>
/// One open WebSocket: a receive loop handing each complete message to the client, serialized sends, and the application
/// ping that notices a dead network. Knows nothing of requests or subscriptions.
/// </summary>
internal sealed class WebSocketConnection : IAsyncDisposable
{
    private static readonly byte[] PingFrame = """{"p":1}"""u8.ToArray();

    private readonly ClientWebSocket _socket;
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> _onMessage;
    private readonly KuzzleClientOptions _options;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _sendBuffer = new(4096);
    private readonly Utf8JsonWriter _writer;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _receiveLoop = Task.CompletedTask;
    private Task _pingLoop = Task.CompletedTask;
    private int _receivedSinceTick;

    private WebSocketConnection(ClientWebSocket socket, KuzzleClientOptions options, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> onMessage)
    {
        _socket = socket;
        _options = options;
        _onMessage = onMessage;
        _writer = new Utf8JsonWriter(_sendBuffer, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>Completes when the connection ends: null when closed by <see cref="CloseAsync"/>, else the cause.</summary>
    public Task<Exception?> Closed => _closed.Task;

    /// <summary>Opens a connection and starts its loops.</summary>
    public static async Task<WebSocketConnection> ConnectAsync(KuzzleClientOptions options, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> onMessage, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        // The application ping below works with every Kuzzle version; protocol pings would only duplicate it.
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        options.ConfigureWebSocket?.Invoke(socket.Options);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(options.WebSocketUri, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            socket.Dispose();
            throw ClientErrors.Create(ClientErrors.ConnectionFailed, 503, $"Cannot connect to {options.WebSocketUri}: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new WebSocketConnection(socket, options, onMessage);
        connection._receiveLoop = connection.ReceiveLoopAsync();
        if (options.PingInterval > TimeSpan.Zero)
        {
            connection._pingLoop = connection.PingLoopAsync();
        }

        return connection;
    }

    /// <summary>Writes one message with <paramref name="write"/> and sends it; sends never interleave.</summary>
    public async ValueTask SendAsync<TState>(TState state, Action<Utf8JsonWriter, TState> write, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _sendBuffer.ResetWrittenCount();
            _writer.Reset(_sendBuffer);
            write(_writer, state);
            _writer.Flush();
            await _socket.SendAsync(_sendBuffer.WrittenMemory, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException)
        {
            Abort(e);
            throw ClientErrors.Create(ClientErrors.ConnectionLost, 503, "The connection was lost while sending a request.", e);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task SendRawAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(message, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        await Task.Yield();
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var count = 0;
        Exception? cause = null;
        try
        {
            while (true)
            {
                if (count == buffer.Length)
                {
                    if (buffer.Length >= _options.MaxMessageSize)
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "Message too big", _stop.Token).ConfigureAwait(false);
                        cause = ClientErrors.Create(ClientErrors.BadResponse, 502, $"A server message exceeded {_options.MaxMessageSize} bytes.");
                        break;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _options.MaxMessageSize));
                    buffer.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var result = await _socket.ReceiveAsync(buffer.AsMemory(count), _stop.Token).ConfigureAwait(false);
                Volatile.Write(ref _receivedSinceTick, 1);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    cause = _stop.IsCancellationRequested
                        ? null
                        : new WebSocketException(WebSocketError.ConnectionClosedPrematurely, $"Closed by the server ({_socket.CloseStatus} {_socket.CloseStatusDescription}).");
                    break;
                }

                count += result.Count;
                if (result.EndOfMessage)
                {
                    if (count > 0)
                    {
                        await _onMessage(buffer.AsMemory(0, count), _stop.Token).ConfigureAwait(false);
                    }

                    count = 0;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            cause = null;
        }
        catch (Exception e)
        {
            cause = e;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        Finish(cause);
    }

    private async Task PingLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.PingInterval, _options.TimeProvider);
        var pingOutstanding = false;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                if (Interlocked.Exchange(ref _receivedSinceTick, 0) == 1)
                {
                    pingOutstanding = false;
                    continue;
                }

                if (pingOutstanding)
                {
                    Abort(new TimeoutException($"No message from the server for {_options.PingInterval.TotalMilliseconds * 2} ms (ping unanswered)."));
                    return;
                }

                pingOutstanding = true;
                await SendRawAsync(PingFrame, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Closed.
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException)
        {
            Abort(e);
        }
    }

    /// <summary>Drops the connection at once (dead network, protocol error).</summary>
    public void Abort(Exception cause)
    {
        if (_closed.Task.IsCompleted)
        {
            return;
        }

        // The cause is recorded first: aborting makes the receive loop fail with an error of its own.
        Finish(cause);
        _socket.Abort();
    }

    private void Finish(Exception? cause)
    {
        if (_closed.TrySetResult(cause))
        {
            _stop.Cancel();
        }
    }

    /// <summary>Closes with a normal close handshake (bounded by the connect timeout), then stops the loops.</summary>
    public async Task CloseAsync()
    {
        if (!_closed.Task.IsCompleted && _socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(_options.ConnectTimeout);
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "Client disconnect", timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                // Already gone: nothing to close.
            }
        }

        Finish(null);
        _socket.Abort();
        await Task.WhenAll(_receiveLoop, _pingLoop).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        _socket.Dispose();
        _writer.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }
}

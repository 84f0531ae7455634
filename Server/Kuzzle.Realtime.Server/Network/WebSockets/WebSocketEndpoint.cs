using System.Buffers;
using System.Net.WebSockets;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Requests;
using Kuzzle.Realtime.Server.Api;
using Kuzzle.Realtime.Server.Configuration;
using Kuzzle.Realtime.Server.Diagnostics;
using Kuzzle.Realtime.Server.Network.Buffers;
using Kuzzle.Realtime.Server.Security;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kuzzle.Realtime.Server.Network.WebSockets;

/// <summary>
/// Accepts WebSocket upgrades on any path and runs each socket's receive loop (protocol.md §4.2): size limit, rate limit, heartbeat,
/// parse, then the funnel. Requests of one socket may run concurrently, up to a per-connection bound.
/// </summary>
public sealed partial class WebSocketEndpoint
{
    private const int InitialReceiveBuffer = 4096;
    private const int YieldEvery = 16;

    private readonly Funnel _funnel;
    private readonly ConnectionRegistry _registry;
    private readonly ResponseFrames _frames;
    private readonly ApiMetrics _metrics;
    private readonly ILogger<WebSocketEndpoint> _logger;
    private readonly long _maxMessageSize;
    private readonly int _rateLimit;
    private readonly int _maxPending;
    private readonly int _maxDepth;
    private readonly SendQueuePolicy _sendQueue;
    private readonly TokenLinks _tokenLinks;
    private readonly bool _cookieAuthentication;
    private readonly bool _compression;
    private long _nextId;

    /// <summary>Creates the endpoint.</summary>
    public WebSocketEndpoint(
        Funnel funnel,
        ConnectionRegistry registry,
        ResponseFrames frames,
        ApiMetrics metrics,
        EffectiveSettings settings,
        SendQueueBudget sendQueues,
        TokenLinks tokenLinks,
        ILogger<WebSocketEndpoint> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _funnel = funnel;
        _registry = registry;
        _frames = frames;
        _metrics = metrics;
        _logger = logger;
        var ws = settings.Options.Server.WebSocket;
        _maxMessageSize = settings.MaxRequestSize;
        _rateLimit = ws.RateLimit;
        _maxPending = ws.MaxPendingRequestsPerConnection;
        _maxDepth = ws.MaxJsonDepth;
        _sendQueue = new SendQueuePolicy(ws.SendQueueBytes, TimeSpan.FromMilliseconds(ws.SendStallTimeout), sendQueues);
        _tokenLinks = tokenLinks;
        _cookieAuthentication = settings.Options.Server.Http.CookieAuthentication;
        _compression = ws.Compression;
    }

    /// <summary>Handles an upgrade request to completion (the socket's whole life).</summary>
    public async Task HandleAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!_registry.TryReserve())
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        string? cookieToken;
        try
        {
            cookieToken = CookieAuthentication.ReadToken(http.Request.Headers.Cookie.ToString(), _cookieAuthentication);
        }
        catch (KuzzleException ex)
        {
            // Refused before the upgrade: a bare Kuzzle error, like any pre-routing HTTP failure.
            _registry.ReleaseReservation();
            await Http.BareError.WriteAsync(http.Response, ex, http.RequestAborted);
            return;
        }

        WebSocketConnection? connection = null;
        try
        {
            var subProtocol = http.WebSockets.WebSocketRequestedProtocols.Count > 0 ? http.WebSockets.WebSocketRequestedProtocols[0] : null;
            var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                SubProtocol = subProtocol,
                KeepAliveInterval = TimeSpan.Zero, // Kuzzle sends no pings; clients ping and get pongs.
                DangerousEnableCompression = _compression,
            });
            var id = "ws-" + Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var origin = http.Request.Headers.Origin.Count > 0 ? http.Request.Headers.Origin.ToString() : null;
            var stream = (http.Features.Get<IHttpUpgradeFeature>() as BatchedUpgradeFeature)?.Stream;
            connection = new WebSocketConnection(id, socket, stream, http.RequestServices.GetRequiredService<ClientAddress>().Resolve(http), origin, _sendQueue)
            {
                CookieToken = cookieToken,
            };
            connection.TooSlow += OnTooSlow;
            _registry.Add(connection);
            await ReceiveLoopAsync(connection, socket);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ConnectionAbortedException)
        {
            // The peer vanished (reset, half-open socket aborted): nothing to answer.
        }
        finally
        {
            if (connection is null)
            {
                _registry.ReleaseReservation();
            }
            else
            {
                _registry.Remove(connection);
                connection.Dispose();
            }
        }
    }

    private async Task ReceiveLoopAsync(WebSocketConnection connection, WebSocket socket)
    {
        var pending = new PendingRequests(_maxPending);
        var abort = connection.Aborted;
        var readWithoutWaiting = 0;
        while (true)
        {
            // Wait for the next frame without holding a buffer, so an idle socket costs no receive memory.
            var receiving = socket.ReceiveAsync(Memory<byte>.Empty, abort);
            if (!receiving.IsCompleted)
            {
                readWithoutWaiting = 0;
            }
            else if (++readWithoutWaiting == YieldEvery)
            {
                // A client pipelining a burst keeps this loop busy without ever waiting: let the senders it fed (its subscribers'
                // queues, queued on the thread pool) run before reading more, so a burst is paced by delivery instead of piling up.
                readWithoutWaiting = 0;
                await Task.Yield();
            }

            var probe = await receiving;
            if (probe.MessageType == WebSocketMessageType.Close)
            {
                await CloseHandshakeAsync(socket);
                return;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBuffer);
            var length = 0;
            var end = probe.EndOfMessage;
            try
            {
                while (!end)
                {
                    if (length == buffer.Length)
                    {
                        if (buffer.Length >= _maxMessageSize)
                        {
                            await TooBigAsync(connection);
                            return;
                        }

                        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(_maxMessageSize + 1, (long)buffer.Length * 2));
                        buffer.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }

                    var r = await socket.ReceiveAsync(buffer.AsMemory(length), abort);
                    if (r.MessageType == WebSocketMessageType.Close)
                    {
                        await CloseHandshakeAsync(socket);
                        return;
                    }

                    length += r.Count;
                    end = r.EndOfMessage;
                    if (length > _maxMessageSize)
                    {
                        await TooBigAsync(connection);
                        return;
                    }
                }
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(buffer);
                throw;
            }

            connection.MarkInbound();
            if (length == 0)
            {
                ArrayPool<byte>.Shared.Return(buffer); // Empty payloads are ignored.
                continue;
            }

            // WARNING: the buffer is owned by the request from here on: Dispatch returns it to the pool once the request is done.
            Dispatch(connection, buffer, length, pending);
            if (pending.IsFull)
            {
                await pending.WaitForRoomAsync();
            }

            // A client that sends faster than it reads its answers is not read either until they drain: TCP slows it down, instead of
            // its queue growing until it is closed as too slow.
            if (connection.IsCongested)
            {
                await connection.WaitUncongestedAsync(abort);
            }
        }
    }

    private void Dispatch(WebSocketConnection connection, byte[] buffer, int length, PendingRequests pending)
    {
        if (!connection.TryCountMessage(_rateLimit))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Send(connection, _frames.DetachedError(KuzzleErrors.Network.Websocket.RatelimitExceeded.Create(), null));
            return;
        }

        var parsed = RequestParser.Parse(buffer.AsMemory(0, length), RequestProtocol.WebSocket, _maxDepth, connection.LastJwt);
        switch (parsed.Kind)
        {
            case FrameKind.Heartbeat:
                ArrayPool<byte>.Shared.Return(buffer);
                Send(connection, OutboundFrame.Copy(Protocol.Responses.ServerFrames.Pong));
                return;
            case FrameKind.InvalidJson:
            case FrameKind.InvalidRequest:
                ArrayPool<byte>.Shared.Return(buffer);
                _metrics.CountError(parsed.Error!.Definition?.Id ?? "invalid_request");
                Send(connection, _frames.DetachedError(parsed.Error!, parsed.ClientRequestId));
                return;
        }

        var input = parsed.Request!;
        if (input.Jwt is not null)
        {
            connection.LastJwt = input.Jwt;
        }

        if (_funnel.IsShuttingDown)
        {
            var error = KuzzleErrors.Network.Entrypoint.ShuttingDown.Create();
            Complete(connection, new RequestContext(input, connection, input.RequestId ?? Guid.NewGuid().ToString()), ApiResponse.FromError(error), buffer);
            return;
        }

        var context = new RequestContext(input, connection, input.RequestId ??= Guid.NewGuid().ToString());
        if (connection.CookieToken is not null)
        {
            try
            {
                input.Jwt = CookieAuthentication.Combine(input.Jwt, connection.CookieToken);
            }
            catch (KuzzleException ex)
            {
                Complete(connection, context, ApiResponse.FromError(ex), buffer);
                return;
            }
        }

        var task = _funnel.ExecuteAsync(context, connection.Aborted);
        if (task.IsCompletedSuccessfully)
        {
            Complete(connection, context, task.Result, buffer);
            return;
        }

        pending.Add();
        _ = AwaitAndCompleteAsync(connection, context, task, buffer, pending);
    }

    private async Task AwaitAndCompleteAsync(
        WebSocketConnection connection, RequestContext context, ValueTask<ApiResponse> task, byte[] buffer, PendingRequests pending)
    {
        try
        {
            var response = await task;
            Complete(connection, context, response, buffer);
        }
        catch (Exception ex)
        {
            // The funnel never throws; this only guards the buffer and the pending count.
            LogUnexpected(_logger, ex);
            context.Input.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }
        finally
        {
            pending.Remove();
        }
    }

    private void Complete(WebSocketConnection connection, RequestContext context, in ApiResponse response, byte[] buffer)
    {
        OutboundFrame frame;
        try
        {
            frame = context.Raw is { } raw && response.Error is null
                ? ResponseFrames.RawOverWebSocket(raw, context.RequestId)
                : _frames.Envelope(context, response, includeRoom: true);
        }
        finally
        {
            context.Input.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }

        Send(connection, frame);
    }

    private static void Send(WebSocketConnection connection, OutboundFrame frame)
    {
        var sending = connection.SendAsync(frame);
        if (!sending.IsCompletedSuccessfully)
        {
            _ = ObserveAsync(sending);
        }
    }

    private static async Task ObserveAsync(ValueTask sending)
    {
        try
        {
            await sending;
        }
        catch (Exception)
        {
            // Send failures close the connection inside SendAsync; nothing else to do here.
        }
    }

    private static async Task TooBigAsync(WebSocketConnection connection) =>
        await connection.CloseAsync(CloseReason.Kicked, WebSocketCloseStatus.MessageTooBig, "Maximum request size exceeded");

    private static async Task CloseHandshakeAsync(WebSocket socket)
    {
        if (socket.State == WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
            {
                // The peer left without waiting for our close frame.
            }
        }
    }

    private void OnTooSlow(WebSocketConnection connection, string why)
    {
        _metrics.CountSlowConsumerClosed();
        LogTooSlow(_logger, connection.Id, _tokenLinks.LinkedToken(connection.Id)?.Kuid ?? "-1", connection.RemoteAddress, why, connection.QueuedBytes);
    }

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning,
        Message = "Closing WebSocket {Connection} of user {User} ({Address}) with 1011: client too slow ({Why}; {QueuedBytes} bytes unsent)")]
    private static partial void LogTooSlow(ILogger logger, string connection, string user, string address, string why, long queuedBytes);

    [LoggerMessage(EventId = 200, Level = LogLevel.Error, Message = "Unexpected error while completing a WebSocket request")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);

    /// <summary>Counts a socket's requests still running; the receive loop pauses when the bound is reached.</summary>
    private sealed class PendingRequests(int max)
    {
        private int _count;
        private TaskCompletionSource? _room;

        public bool IsFull => Volatile.Read(ref _count) >= max;

        public void Add() => Interlocked.Increment(ref _count);

        public void Remove()
        {
            if (Interlocked.Decrement(ref _count) < max)
            {
                Interlocked.Exchange(ref _room, null)?.TrySetResult();
            }
        }

        public Task WaitForRoomAsync()
        {
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Exchange(ref _room, tcs);
            return IsFull ? tcs.Task : Task.CompletedTask;
        }
    }
}

using System.Text.Json;
using Kuzzle.Realtime.Client.Internal;

namespace Kuzzle.Realtime.Client;

// Connection lifecycle: opening, loss, reconnection with backoff and jitter, the offline queue, and message dispatch.
public sealed partial class KuzzleClient
{
    private readonly Queue<PendingRequest> _offlineQueue = new();
    private Task _reconnectLoop = Task.CompletedTask;
    private CancellationTokenSource? _reconnectStop;

    /// <summary>Requests waiting in the offline queue.</summary>
    public int QueuedRequests
    {
        get
        {
            lock (_stateLock)
            {
                return _offlineQueue.Count;
            }
        }
    }

    /// <summary>The connection was lost and the client starts reconnecting.</summary>
    public event EventHandler<KuzzleReconnectingEventArgs>? Reconnecting;

    // Caller holds _stateLock.
    private void Enqueue(PendingRequest pending)
    {
        if (_offlineQueue.Count >= _options.OfflineQueueMaxSize)
        {
            // Requests that already timed out or were cancelled free their slot.
            var live = _offlineQueue.Where(p => !p.IsCompleted).ToList();
            _offlineQueue.Clear();
            foreach (var p in live)
            {
                _offlineQueue.Enqueue(p);
            }

            if (_offlineQueue.Count >= _options.OfflineQueueMaxSize)
            {
                throw ClientErrors.Create(ClientErrors.OfflineQueueFull, 503,
                    $"The offline queue is full ({_options.OfflineQueueMaxSize} requests): {pending.Request} was not queued.");
            }
        }

        _offlineQueue.Enqueue(pending);
    }

    private void FailQueued(Exception error)
    {
        List<PendingRequest> failed;
        lock (_stateLock)
        {
            failed = [.. _offlineQueue];
            _offlineQueue.Clear();
        }

        foreach (var pending in failed)
        {
            pending.Fail(error);
        }
    }

    private async Task<WebSocketConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = await WebSocketConnection.ConnectAsync(_options, OnMessageAsync, cancellationToken).ConfigureAwait(false);
        lock (_stateLock)
        {
            _connection = connection;
        }

        _ = connection.Closed.ContinueWith(
            static (closed, state) => ((KuzzleClient)state!).OnConnectionClosed(closed.Result),
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return connection;
    }

    private void OnConnectionClosed(Exception? cause)
    {
        WebSocketConnection? lost;
        bool reconnect;
        lock (_stateLock)
        {
            lost = _connection;
            if (lost is null || !lost.Closed.IsCompleted)
            {
                // An older connection, already replaced or closed on purpose.
                return;
            }

            _connection = null;
            reconnect = _options.AutoReconnect && _state is KuzzleClientState.Connected or KuzzleClientState.Reconnecting;
            if (_state == KuzzleClientState.Connected)
            {
                _state = reconnect ? KuzzleClientState.Reconnecting : KuzzleClientState.Disconnected;
            }

            if (reconnect && _reconnectLoop.IsCompleted)
            {
                _reconnectStop?.Dispose();
                _reconnectStop = new CancellationTokenSource();
                _reconnectLoop = ReconnectLoopAsync(_reconnectStop.Token);
            }
        }

        FailInFlight(lost, ClientErrors.Create(ClientErrors.ConnectionLost, 503, "The connection was lost before the answer arrived.", cause));
        _ = lost.DisposeAsync().AsTask();
        if (!reconnect)
        {
            FailQueued(ClientErrors.Create(ClientErrors.NotConnected, 503, "The connection was lost.", cause));
        }

        Raise(Disconnected, new KuzzleDisconnectedEventArgs(cause, reconnect));
    }

    private async Task ReconnectLoopAsync(CancellationToken stop)
    {
        await Task.Yield();
        for (var attempt = 0; !stop.IsCancellationRequested; attempt++)
        {
            var delay = BackoffDelay(attempt);
            Raise(Reconnecting, new KuzzleReconnectingEventArgs(attempt + 1, delay));
            await Task.Delay(delay, _options.TimeProvider, stop).ConfigureAwait(false);
            ExpireQueued();
            WebSocketConnection connection;
            try
            {
                connection = await OpenConnectionAsync(stop).ConfigureAwait(false);
            }
            catch (KuzzleException)
            {
                continue;
            }

            try
            {
                await RestoreSessionAsync(connection, stop).ConfigureAwait(false);
                if (await FlushQueueAsync(connection, stop).ConfigureAwait(false))
                {
                    Raise(Reconnected);
                    return;
                }
            }
            catch (KuzzleException e) when (e.Id is ClientErrors.ConnectionLost or ClientErrors.Timeout)
            {
                // Lost again while restoring: the next attempt starts over.
                connection.Abort(e);
            }
        }
    }

    /// <summary>Exponential backoff with jitter: a random wait between half and all of min(max, first × 2^attempt).</summary>
    internal TimeSpan BackoffDelay(int attempt)
    {
        var first = _options.ReconnectionDelay.TotalMilliseconds;
        var ceiling = Math.Min(_options.MaxReconnectionDelay.TotalMilliseconds, first * Math.Pow(2, Math.Min(attempt, 30)));
        return TimeSpan.FromMilliseconds(ceiling / 2 + (Random.Shared.NextDouble() * ceiling / 2));
    }

    /// <summary>After a reconnection: checks the token (a dead one is dropped and reported as expired), refreshes it when
    /// due, then subscribes every room again.</summary>
    private async Task RestoreSessionAsync(WebSocketConnection connection, CancellationToken cancellationToken)
    {
        var jwt = Jwt;
        if (jwt is not null)
        {
            var check = new KuzzleRequest("auth", "checkToken") { Body = new System.Text.Json.Nodes.JsonObject { ["token"] = jwt } };
            var answer = await SendDirectAsync(connection, check, cancellationToken).ConfigureAwait(false);
            var valid = answer.Result.ValueKind == JsonValueKind.Object && answer.Result.TryGetProperty("valid", out var v) && v.ValueKind == JsonValueKind.True;
            if (!valid)
            {
                OnTokenExpired();
            }
            else if (IsRefreshDue())
            {
                await RefreshTokenOnAsync(connection, cancellationToken).ConfigureAwait(false);
            }
        }

        await Subscriptions.ResubscribeAllAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends the queued requests in order; the state turns Connected once the queue is empty, so requests made
    /// meanwhile keep their place behind the queued ones.</summary>
    private async Task<bool> FlushQueueAsync(WebSocketConnection connection, CancellationToken cancellationToken)
    {
        while (true)
        {
            PendingRequest? next;
            lock (_stateLock)
            {
                if (_connection != connection || _state != KuzzleClientState.Reconnecting)
                {
                    return false;
                }

                if (!_offlineQueue.TryDequeue(out next))
                {
                    _state = KuzzleClientState.Connected;
                    return true;
                }
            }

            if (next.IsCompleted)
            {
                continue;
            }

            if (_options.TimeProvider.GetElapsedTime(next.CreatedAt) > _options.OfflineQueueTtl)
            {
                next.Fail(QueueTtlExceeded(next));
                continue;
            }

            try
            {
                await SendAsync(connection, next, cancellationToken).ConfigureAwait(false);
            }
            catch (KuzzleException)
            {
                return false;
            }
        }
    }

    private void ExpireQueued()
    {
        List<PendingRequest> expired = [];
        lock (_stateLock)
        {
            while (_offlineQueue.TryPeek(out var oldest) && (oldest.IsCompleted || _options.TimeProvider.GetElapsedTime(oldest.CreatedAt) > _options.OfflineQueueTtl))
            {
                expired.Add(_offlineQueue.Dequeue());
            }
        }

        foreach (var pending in expired)
        {
            pending.Fail(QueueTtlExceeded(pending));
        }
    }

    private KuzzleException QueueTtlExceeded(PendingRequest pending) =>
        ClientErrors.Create(ClientErrors.Timeout, 504, $"{pending.Request} waited in the offline queue longer than {_options.OfflineQueueTtl.TotalMilliseconds} ms.");

    /// <summary>One server message (the buffer is only valid during the synchronous part of this call).</summary>
    private ValueTask OnMessageAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        try
        {
            var info = FrameReader.Classify(message.Span, _requestIdPrefixUtf8);
            return Dispatch(info, message.Span, cancellationToken);
        }
        catch (JsonException e)
        {
            // Not JSON, or truncated: nothing can be answered from it; the connection stays up.
            ReportBackgroundError(ClientErrors.Create(ClientErrors.BadResponse, 502, "The server sent a message that is not JSON.", e), "receive");
            return ValueTask.CompletedTask;
        }
    }

    private ValueTask Dispatch(FrameReader.FrameInfo info, ReadOnlySpan<byte> message, CancellationToken cancellationToken)
    {
        switch (info.Kind)
        {
            case FrameKind.Pong:
                return ValueTask.CompletedTask;
            case FrameKind.Response:
                if (_pending.TryRemove(info.RequestKey, out var pending))
                {
                    Complete(pending, FrameReader.Parse(message));
                }

                return ValueTask.CompletedTask;
            case FrameKind.TokenExpired:
                OnTokenExpired();
                return ValueTask.CompletedTask;
            case FrameKind.ServerNotice:
                OnServerNotice(FrameReader.Parse(message));
                return ValueTask.CompletedTask;
            case FrameKind.Room:
                if (!_pendingByName.IsEmpty && _pendingByName.TryRemove(info.Room!, out var named))
                {
                    Complete(named, FrameReader.Parse(message));
                    return ValueTask.CompletedTask;
                }

                return Subscriptions.DispatchAsync(info.Room!, FrameReader.Parse(message), cancellationToken);
            default:
                OnUnroutable(FrameReader.Parse(message));
                return ValueTask.CompletedTask;
        }
    }

    private void Complete(PendingRequest pending, JsonElement envelope)
    {
        var error = FrameReader.ErrorOf(envelope, out var status);
        if (error is null)
        {
            var response = new KuzzleResponse(pending.RequestId, status, envelope);
            try
            {
                pending.OnResponse?.Invoke(response);
            }
            catch (Exception e)
            {
                pending.Fail(e);
                return;
            }

            pending.Complete(response);
            return;
        }

        if (IsCurrentTokenRejected(error, pending.Request, pending.JwtSent))
        {
            OnTokenExpired();
        }

        pending.Fail(error);
    }

    // Error frames the server sends before a request exists have no room but keep the client's requestId (protocol.md §4.3):
    // fail that request now instead of letting it time out.
    private void OnUnroutable(JsonElement frame)
    {
        if (frame.ValueKind == JsonValueKind.Object
            && frame.TryGetProperty("requestId", out var id) && id.ValueKind == JsonValueKind.String
            && id.GetString() is { } requestId)
        {
            PendingRequest? pending = null;
            if (requestId.StartsWith(_requestIdPrefix, StringComparison.Ordinal)
                && long.TryParse(requestId.AsSpan(_requestIdPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var key))
            {
                _pending.TryRemove(key, out pending);
            }
            else
            {
                _pendingByName.TryRemove(requestId, out pending);
            }

            if (pending is not null)
            {
                var error = FrameReader.ErrorOf(frame, out var status) ?? KuzzleException.FromError(frame, status);
                pending.Fail(error);
                return;
            }
        }

        ReportBackgroundError(ClientErrors.Create(ClientErrors.BadResponse, 502, "The server sent a message for no pending request: " + frame.GetRawText()), "receive");
    }
}

/// <summary>Arguments of <see cref="KuzzleClient.Reconnecting"/>.</summary>
public sealed class KuzzleReconnectingEventArgs(int attempt, TimeSpan delay) : EventArgs
{
    /// <summary>Attempt number, from 1.</summary>
    public int Attempt { get; } = attempt;

    /// <summary>Wait before this attempt.</summary>
    public TimeSpan Delay { get; } = delay;
}

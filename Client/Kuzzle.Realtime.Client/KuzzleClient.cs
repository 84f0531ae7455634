using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Client.Controllers;
using Kuzzle.Realtime.Client.Internal;

namespace Kuzzle.Realtime.Client;

/// <summary>
/// A client of a Kuzzle.Realtime (or Kuzzle 2.x) server: one WebSocket (or HTTP), raw requests through
/// <see cref="QueryAsync(KuzzleRequest, QueryOptions?, CancellationToken)"/> and typed controllers (<see cref="Auth"/>,
/// <see cref="Security"/>, <see cref="Realtime"/>, <see cref="Server"/>). Over WebSocket a lost connection is reopened with
/// backoff, requests made meanwhile wait in a bounded queue, every room is subscribed again and the token is refreshed before
/// it expires. Thread-safe.
/// </summary>
public sealed partial class KuzzleClient : IAsyncDisposable
{
    private readonly KuzzleClientOptions _options;
    private readonly HttpTransport? _http;
    private readonly string _requestIdPrefix;
    private readonly byte[] _requestIdPrefixUtf8;
    private readonly ConcurrentDictionary<long, PendingRequest> _pending = new();
    private readonly ConcurrentDictionary<string, PendingRequest> _pendingByName = new(StringComparer.Ordinal);
    private readonly object _stateLock = new();
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private KuzzleClientState _state = KuzzleClientState.Disconnected;
    private WebSocketConnection? _connection;
    private long _requestCounter;

    /// <summary>Creates a client; nothing is opened before <see cref="ConnectAsync"/>.</summary>
    public KuzzleClient(KuzzleClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        SdkInstanceId = Guid.NewGuid().ToString();
        _requestIdPrefix = "dotnet-" + SdkInstanceId[..8] + "-";
        _requestIdPrefixUtf8 = Encoding.UTF8.GetBytes(_requestIdPrefix);
        if (options.Protocol == KuzzleProtocol.Http)
        {
            _http = new HttpTransport(options);
        }

        Subscriptions = new SubscriptionRegistry(this);
        Auth = new AuthController(this);
        Server = new ServerController(this);
        Realtime = new RealtimeController(this);
        Security = new SecurityController(this);
        if (options.Jwt is not null)
        {
            Jwt = options.Jwt;
        }
    }

    /// <summary>Creates a client for <paramref name="host"/>:<paramref name="port"/>.</summary>
    public KuzzleClient(string host, int port = 7512, KuzzleProtocol protocol = KuzzleProtocol.WebSocket, bool ssl = false)
        : this(KuzzleClientOptions.Default with { Host = host, Port = port, Protocol = protocol, Ssl = ssl })
    {
    }

    /// <summary>The settings this client was created with.</summary>
    public KuzzleClientOptions Options => _options;

    /// <summary>Connection state.</summary>
    public KuzzleClientState State
    {
        get
        {
            lock (_stateLock)
            {
                return _state;
            }
        }
    }

    /// <summary>True when requests are sent at once.</summary>
    public bool IsConnected => State == KuzzleClientState.Connected;

    /// <summary>Id of this client in the <c>volatile.sdkInstanceId</c> of its requests.</summary>
    public string SdkInstanceId { get; }

    /// <summary><c>auth</c> controller.</summary>
    public AuthController Auth { get; }

    /// <summary><c>security</c> controller.</summary>
    public SecurityController Security { get; }

    /// <summary><c>realtime</c> controller (WebSocket only).</summary>
    public RealtimeController Realtime { get; }

    /// <summary><c>server</c> controller.</summary>
    public ServerController Server { get; }

    internal SubscriptionRegistry Subscriptions { get; }

    /// <summary>The first connection is open (<see cref="ConnectAsync"/> succeeded).</summary>
    public event EventHandler? Connected;

    /// <summary>The connection was lost or closed.</summary>
    public event EventHandler<KuzzleDisconnectedEventArgs>? Disconnected;

    /// <summary>The connection was reopened after a loss: the session is restored (token checked, rooms subscribed again,
    /// queued requests sent).</summary>
    public event EventHandler? Reconnected;

    /// <summary>Something went wrong in the background (a failed re-subscription, an unanswerable server message, an
    /// exception from a notification handler). The client keeps going.</summary>
    public event EventHandler<KuzzleErrorEventArgs>? BackgroundError;

    /// <summary>Opens the connection. Over HTTP nothing is opened (each request is its own connection).</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_stateLock)
            {
                ObjectDisposedException.ThrowIf(_state == KuzzleClientState.Disposed, this);
                if (_state is KuzzleClientState.Connected or KuzzleClientState.Reconnecting)
                {
                    return;
                }

                _state = KuzzleClientState.Connecting;
            }

            if (_http is null)
            {
                try
                {
                    var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                    // Rooms subscribed before a DisconnectAsync are subscribed again.
                    await Subscriptions.ResubscribeAllAsync(connection, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    await CloseConnectionAsync().ConfigureAwait(false);
                    SetState(KuzzleClientState.Disconnected);
                    throw;
                }
            }

            SetState(KuzzleClientState.Connected);
        }
        finally
        {
            _lifecycle.Release();
        }

        Raise(Connected);
    }

    /// <summary>Closes the connection (a normal close: no reconnection). Requests waiting for an answer or in the offline
    /// queue fail with <see cref="ClientErrors.NotConnected"/>. Local subscriptions are kept and subscribed again by the next
    /// <see cref="ConnectAsync"/>.</summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StopAsync(KuzzleClientState.Disconnected).ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Disconnects and releases everything; subscription streams end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (State == KuzzleClientState.Disposed)
            {
                return;
            }

            await StopAsync(KuzzleClientState.Disposed).ConfigureAwait(false);
            StopTokenRefresh();
            Subscriptions.CompleteAll();
            _http?.Dispose();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private async Task StopAsync(KuzzleClientState finalState)
    {
        Task reconnectLoop;
        lock (_stateLock)
        {
            var wasOpen = _state is KuzzleClientState.Connected or KuzzleClientState.Reconnecting;
            _state = finalState;
            reconnectLoop = _reconnectLoop;
            _reconnectStop?.Cancel();
            if (!wasOpen && _connection is null)
            {
                FailQueued(ClientErrors.Create(ClientErrors.NotConnected, 503, "The client was disconnected."));
                return;
            }
        }

        try
        {
            await reconnectLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped on purpose.
        }

        await CloseConnectionAsync().ConfigureAwait(false);
        var error = ClientErrors.Create(ClientErrors.NotConnected, 503, "The client was disconnected.");
        FailQueued(error);
        FailInFlight(null, error);
        if (_http is null)
        {
            Raise(Disconnected, new KuzzleDisconnectedEventArgs(null, willReconnect: false));
        }
    }

    private async Task CloseConnectionAsync()
    {
        WebSocketConnection? connection;
        lock (_stateLock)
        {
            connection = _connection;
            _connection = null;
        }

        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sends a raw request written as JSON (<c>{"controller":"server","action":"now"}</c>); see
    /// <see cref="QueryAsync(KuzzleRequest, QueryOptions?, CancellationToken)"/>.</summary>
    public Task<KuzzleResponse> QueryAsync(JsonObject request, CancellationToken cancellationToken = default) =>
        QueryAsync(KuzzleRequest.FromJson(request), null, cancellationToken);

    /// <summary>Sends a raw request; see <see cref="QueryAsync(KuzzleRequest, QueryOptions?, CancellationToken)"/>.</summary>
    public Task<KuzzleResponse> QueryAsync(KuzzleRequest request, CancellationToken cancellationToken = default) =>
        QueryAsync(request, null, cancellationToken);

    /// <summary>
    /// Sends a raw request and waits for its response. The client's <see cref="Jwt"/> is attached (except to
    /// <c>auth:login</c> and <c>auth:checkToken</c>) unless the request names its own. While the client reconnects the request
    /// waits in the offline queue (when <see cref="QueryOptions.Queuable"/>).
    /// </summary>
    /// <exception cref="KuzzleException">The server answered with an error, or a client-side failure
    /// (<see cref="ClientErrors"/>).</exception>
    public Task<KuzzleResponse> QueryAsync(KuzzleRequest request, QueryOptions? options, CancellationToken cancellationToken = default) =>
        QueryAsync(request, options, null, cancellationToken);

    internal async Task<KuzzleResponse> QueryAsync(KuzzleRequest request, QueryOptions? options, Action<KuzzleResponse>? onResponse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        options ??= QueryOptions.Default;
        var timeout = options.Timeout ?? _options.RequestTimeout;
        var key = Interlocked.Increment(ref _requestCounter);
        var requestId = request.RequestId ?? string.Concat(_requestIdPrefix, key.ToString(System.Globalization.CultureInfo.InvariantCulture));

        if (_http is not null)
        {
            lock (_stateLock)
            {
                ObjectDisposedException.ThrowIf(_state == KuzzleClientState.Disposed, this);
                if (_state != KuzzleClientState.Connected)
                {
                    throw ClientErrors.Create(ClientErrors.NotConnected, 503, "Not connected: call ConnectAsync first.");
                }
            }

            var jwt = JwtFor(request);
            try
            {
                var response = await _http.SendAsync(request, requestId, jwt, SdkInstanceId, timeout, cancellationToken).ConfigureAwait(false);
                onResponse?.Invoke(response);
                return response;
            }
            catch (KuzzleException e) when (IsCurrentTokenRejected(e, request, jwt))
            {
                OnTokenExpired();
                throw;
            }
        }

        var pending = new PendingRequest(request, requestId, request.RequestId is null ? key : -1, _options.TimeProvider.GetTimestamp())
        {
            OnResponse = onResponse,
        };
        WebSocketConnection? connection = null;
        var queued = false;
        lock (_stateLock)
        {
            switch (_state)
            {
                case KuzzleClientState.Disposed:
                    throw new ObjectDisposedException(nameof(KuzzleClient));
                case KuzzleClientState.Connected when _connection is not null:
                    connection = _connection;
                    break;
                case KuzzleClientState.Reconnecting or KuzzleClientState.Connected when _options.AutoQueue && options.Queuable:
                    Enqueue(pending);
                    queued = true;
                    break;
                default:
                    throw ClientErrors.Create(ClientErrors.NotConnected, 503, $"Not connected ({_state}): {request} was not sent.");
            }
        }

        if (!queued)
        {
            await SendAsync(connection!, pending, cancellationToken).ConfigureAwait(false);
        }

        return await AwaitResponseAsync(pending, queued ? Add(timeout, _options.OfflineQueueTtl) : timeout, cancellationToken).ConfigureAwait(false);
    }

    private static TimeSpan Add(TimeSpan a, TimeSpan b) =>
        a == Timeout.InfiniteTimeSpan || b == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : a + b;

    private async Task<KuzzleResponse> AwaitResponseAsync(PendingRequest pending, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await pending.Task.WaitAsync(timeout, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Forget(pending);
            var error = ClientErrors.Create(ClientErrors.Timeout, 504, $"No answer to {pending.Request} ({pending.RequestId}) within {timeout.TotalMilliseconds} ms.");
            pending.Fail(error);
            throw error;
        }
        catch (OperationCanceledException)
        {
            Forget(pending);
            pending.Fail(new OperationCanceledException(cancellationToken));
            throw;
        }
    }

    /// <summary>Registers then sends a request on <paramref name="connection"/>; the answer completes <paramref name="pending"/>.</summary>
    internal async Task SendAsync(WebSocketConnection connection, PendingRequest pending, CancellationToken cancellationToken)
    {
        var jwt = JwtFor(pending.Request);
        pending.JwtSent = jwt;
        pending.Connection = connection;
        if (pending.Key >= 0)
        {
            _pending[pending.Key] = pending;
        }
        else
        {
            _pendingByName[pending.RequestId] = pending;
        }

        try
        {
            await connection.SendAsync((Pending: pending, Jwt: jwt, Client: this), static (writer, s) =>
                RequestWriter.Write(writer, s.Pending.Request, s.Pending.RequestId, s.Jwt, s.Client.SdkInstanceId, http: false), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Forget(pending);
            pending.Fail(e);
            throw;
        }
    }

    /// <summary>Sends a request on a given connection and waits for its answer (session restore after a reconnection).</summary>
    internal async Task<KuzzleResponse> SendDirectAsync(WebSocketConnection connection, KuzzleRequest request, CancellationToken cancellationToken, Action<KuzzleResponse>? onResponse = null)
    {
        var key = Interlocked.Increment(ref _requestCounter);
        var requestId = string.Concat(_requestIdPrefix, key.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var pending = new PendingRequest(request, requestId, key, _options.TimeProvider.GetTimestamp()) { OnResponse = onResponse };
        await SendAsync(connection, pending, cancellationToken).ConfigureAwait(false);
        return await AwaitResponseAsync(pending, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The open connection, for controllers that need the WebSocket (realtime).</summary>
    internal WebSocketConnection? CurrentConnection
    {
        get
        {
            lock (_stateLock)
            {
                return _connection;
            }
        }
    }

    internal bool IsHttp => _http is not null;

    private void Forget(PendingRequest pending)
    {
        if (pending.Key >= 0)
        {
            _pending.TryRemove(pending.Key, out _);
        }
        else
        {
            _pendingByName.TryRemove(pending.RequestId, out _);
        }
    }

    /// <summary>Fails every request sent on <paramref name="connection"/> (all when null) that has no answer yet.</summary>
    private void FailInFlight(WebSocketConnection? connection, Exception error)
    {
        foreach (var (key, pending) in _pending)
        {
            if ((connection is null || pending.Connection == connection) && _pending.TryRemove(key, out _))
            {
                pending.Fail(error);
            }
        }

        foreach (var (name, pending) in _pendingByName)
        {
            if ((connection is null || pending.Connection == connection) && _pendingByName.TryRemove(name, out _))
            {
                pending.Fail(error);
            }
        }
    }

    private void SetState(KuzzleClientState state)
    {
        lock (_stateLock)
        {
            if (_state != KuzzleClientState.Disposed)
            {
                _state = state;
            }
        }
    }

    internal void Raise(EventHandler? handler)
    {
        try
        {
            handler?.Invoke(this, EventArgs.Empty);
        }
        catch (Exception e)
        {
            ReportBackgroundError(e, "event handler");
        }
    }

    internal void Raise<T>(EventHandler<T>? handler, T args)
    {
        try
        {
            handler?.Invoke(this, args);
        }
        catch (Exception e) when (handler is not EventHandler<KuzzleErrorEventArgs>)
        {
            ReportBackgroundError(e, "event handler");
        }
    }

    internal void ReportBackgroundError(Exception error, string context)
    {
        try
        {
            BackgroundError?.Invoke(this, new KuzzleErrorEventArgs(error, context));
        }
        catch (Exception)
        {
            // A failing error handler has nowhere left to report to.
        }
    }
}

/// <summary>Arguments of <see cref="KuzzleClient.Disconnected"/>.</summary>
public sealed class KuzzleDisconnectedEventArgs(Exception? error, bool willReconnect) : EventArgs
{
    /// <summary>Why the connection ended (null for a requested disconnection).</summary>
    public Exception? Error { get; } = error;

    /// <summary>True when the client is going to reconnect by itself.</summary>
    public bool WillReconnect { get; } = willReconnect;
}

/// <summary>Arguments of <see cref="KuzzleClient.BackgroundError"/>.</summary>
public sealed class KuzzleErrorEventArgs(Exception error, string context) : EventArgs
{
    /// <summary>What failed.</summary>
    public Exception Error { get; } = error;

    /// <summary>Where (<c>resubscribe</c>, <c>notification handler</c>, <c>token refresh</c>, …).</summary>
    public string Context { get; } = context;
}

using System.Net.WebSockets;

namespace Kuzzle.Realtime.Client;

/// <summary>
/// Client settings. Immutable: start from <see cref="Default"/> (or <c>new()</c>) and change what you need with <c>with</c>.
/// </summary>
public sealed record KuzzleClientOptions
{
    /// <summary>The defaults: <c>localhost:7512</c>, WebSocket, no TLS.</summary>
    public static KuzzleClientOptions Default { get; } = new();

    /// <summary>Server host name or address.</summary>
    public string Host { get; init; } = "localhost";

    /// <summary>Server port (Kuzzle's default 7512).</summary>
    public int Port { get; init; } = 7512;

    /// <summary>Use TLS (<c>wss://</c>, <c>https://</c>).</summary>
    public bool Ssl { get; init; }

    /// <summary>WebSocket (default) or HTTP.</summary>
    public KuzzleProtocol Protocol { get; init; } = KuzzleProtocol.WebSocket;

    /// <summary>Path prefix on the server (default none), for a server behind a reverse proxy path.</summary>
    public string BasePath { get; init; } = "/";

    /// <summary>Token used from the start (a <c>kauth-</c> token or an API key), else anonymous.</summary>
    public string? Jwt { get; init; }

    /// <summary>How long a sent request waits for its answer before failing with <see cref="ClientErrors.Timeout"/>.
    /// <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the first connection may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Reconnect automatically when a WebSocket connection is lost (not after <see cref="KuzzleClient.DisconnectAsync"/>).</summary>
    public bool AutoReconnect { get; init; } = true;

    /// <summary>First reconnection delay; it doubles on each failed attempt up to <see cref="MaxReconnectionDelay"/>, and each
    /// wait is a random value between half and all of it (jitter, so many clients do not reconnect in step).</summary>
    public TimeSpan ReconnectionDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest reconnection delay.</summary>
    public TimeSpan MaxReconnectionDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Re-subscribe every room after a reconnection (and after a new login that follows a <c>TokenExpired</c>).</summary>
    public bool AutoResubscribe { get; init; } = true;

    /// <summary>Queue requests while reconnecting and send them once connected again.</summary>
    public bool AutoQueue { get; init; } = true;

    /// <summary>Most requests the offline queue holds; one more fails at once with <see cref="ClientErrors.OfflineQueueFull"/>.</summary>
    public int OfflineQueueMaxSize { get; init; } = 500;

    /// <summary>Longest time a request may wait in the offline queue; then it fails with <see cref="ClientErrors.Timeout"/>.</summary>
    public TimeSpan OfflineQueueTtl { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Application ping period: when nothing was received during a period the client sends <c>{"p":1}</c>, and when
    /// nothing at all arrives during the next one the connection is declared dead and reconnected. A dead network is thus
    /// noticed within two periods. <see cref="TimeSpan.Zero"/> disables it.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Refresh the token (<c>auth:refreshToken</c>) before it expires.</summary>
    public bool AutoRefreshToken { get; init; } = true;

    /// <summary>How long before its expiry the token is refreshed (at most a quarter of its lifetime).</summary>
    public TimeSpan TokenRefreshMargin { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Notifications buffered per subscription for a slow handler or reader; when full, reading from the socket
    /// waits (the server then applies its own slow-client rule), so no notification is dropped.</summary>
    public int NotificationBufferSize { get; init; } = 10_000;

    /// <summary>Largest server message accepted (a larger one closes the connection with 1009).</summary>
    public int MaxMessageSize { get; init; } = 64 * 1024 * 1024;

    /// <summary>Changes the WebSocket before it connects (headers, certificates, proxy).</summary>
    public Action<ClientWebSocketOptions>? ConfigureWebSocket { get; init; }

    /// <summary>HTTP handler used by the HTTP protocol (default: a new <see cref="SocketsHttpHandler"/>).</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>Clock for timers (pings, reconnection delays, token refresh). Tests may drive it.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The WebSocket address these options name.</summary>
    public Uri WebSocketUri => new UriBuilder(Ssl ? "wss" : "ws", Host, Port, BasePath).Uri;

    /// <summary>The HTTP base address these options name.</summary>
    public Uri HttpUri => new UriBuilder(Ssl ? "https" : "http", Host, Port, BasePath.EndsWith('/') ? BasePath : BasePath + "/").Uri;

    /// <summary>Options for a <c>ws://</c>, <c>wss://</c>, <c>http://</c> or <c>https://</c> address (port defaults to 7512).</summary>
    public static KuzzleClientOptions FromUri(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var (protocol, ssl) = uri.Scheme switch
        {
            "ws" => (KuzzleProtocol.WebSocket, false),
            "wss" => (KuzzleProtocol.WebSocket, true),
            "http" => (KuzzleProtocol.Http, false),
            "https" => (KuzzleProtocol.Http, true),
            _ => throw new ArgumentException($"Unsupported scheme \"{uri.Scheme}\": use ws, wss, http or https.", nameof(uri)),
        };
        var explicitPort = uri.IsDefaultPort && !uri.OriginalString.Contains(":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) ? 7512 : uri.Port;
        return new KuzzleClientOptions { Host = uri.Host, Port = explicitPort, Ssl = ssl, Protocol = protocol, BasePath = uri.AbsolutePath };
    }

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Host);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        ArgumentOutOfRangeException.ThrowIfNegative(OfflineQueueMaxSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(NotificationBufferSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageSize, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(PingInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReconnectionDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReconnectionDelay, ReconnectionDelay);
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}

namespace Kuzzle.Realtime.Server.Configuration;

/// <summary>All settings, bound from the <c>Kuzzle</c> section (appsettings.json, <c>Kuzzle__Server__Port</c> variables, command line).</summary>
public sealed class KuzzleOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Kuzzle";

    /// <summary>Listener, protocols and storage location.</summary>
    public ServerOptions Server { get; set; } = new();

    /// <summary>Kuzzle's <c>limits.*</c>.</summary>
    public LimitsOptions Limits { get; set; } = new();

    /// <summary>Statistics snapshots (<c>server:getStats</c>).</summary>
    public StatsOptions Stats { get; set; } = new();

    /// <summary>Tokens, sessions and login protection.</summary>
    public SecurityOptions Security { get; set; } = new();

    /// <summary>Several nodes sharing one Redis: heartbeats, outage buffering.</summary>
    public Kuzzle.Realtime.Server.Cluster.ClusterOptions Cluster { get; set; } = new();
}

/// <summary>Authentication settings.</summary>
public sealed class SecurityOptions
{
    /// <summary>Auth tokens and API keys: algorithm, lifetimes, secret, session cache.</summary>
    public Kuzzle.Realtime.Tokens.TokenOptions AuthToken { get; set; } = new();

    /// <summary>
    /// How long before a WebSocket connection's token expires it receives a <c>TokenExpiringSoon</c> notice (ms); 0 = never.
    /// </summary>
    public long TokenExpiryNotice { get; set; } = 60_000;

    /// <summary>Failed logins allowed per account and per client address before logins are refused for a while.</summary>
    public LoginThrottleOptions LoginThrottle { get; set; } = new();

    /// <summary>A changed or reset password ends the user's other sessions (the session that changed it stays).</summary>
    public bool RevokeSessionsOnPasswordChange { get; set; } = true;
}

/// <summary>
/// Failed-login limits, counted across every connection and (with Redis) every node: unlike Kuzzle's per-connection limit, a client
/// cannot reset them by reconnecting.
/// </summary>
public sealed class LoginThrottleOptions
{
    /// <summary>Failed logins allowed per (username, client address) within the window; 0 = no limit.</summary>
    public int MaxFailuresPerAccount { get; set; } = 10;

    /// <summary>
    /// Failed logins of one account from all addresses after which each further attempt on it waits (doubling from 100 ms up to
    /// <see cref="MaxAccountDelay"/>) instead of being refused: strangers cannot lock an account out (0: no delay).
    /// </summary>
    public int AccountDelayAfter { get; set; } = 100;

    /// <summary>Longest wait, in ms, of an attempt on an account past <see cref="AccountDelayAfter"/>.</summary>
    public int MaxAccountDelay { get; set; } = 5_000;

    /// <summary>Failed logins allowed per client address within the window; 0 = no limit.</summary>
    public int MaxFailuresPerAddress { get; set; } = 50;

    /// <summary>Window over which failures are counted, and for which a tripped limit holds (ms).</summary>
    public int Window { get; set; } = 300_000;
}

/// <summary>Listener, protocols and storage location.</summary>
public sealed class ServerOptions
{
    /// <summary>TCP port for WebSocket and HTTP (<c>--port</c>).</summary>
    public int Port { get; set; } = 7512;

    /// <summary>Address to bind.</summary>
    public string Host { get; set; } = "0.0.0.0";

    /// <summary>Directory of the embedded store (<c>--data</c>).</summary>
    public string Data { get; set; } = "./data";

    /// <summary>Redis connection string (<c>--redis</c>); null runs on the embedded store alone.</summary>
    public string? Redis { get; set; }

    /// <summary>Largest request (WebSocket message or HTTP body), e.g. <c>"1MB"</c> or a byte count.</summary>
    public string MaxRequestSize { get; set; } = "1MB";

    /// <summary>Node id; generated (<c>knode-adjective-name-number</c>) when empty.</summary>
    public string? NodeId { get; set; }

    /// <summary>Reject SDKs older than the supported majors (<c>server.strictSdkVersion</c>).</summary>
    public bool StrictSdkVersion { get; set; } = true;

    /// <summary>Path of the Prometheus text metrics endpoint; empty disables it.</summary>
    public string MetricsPath { get; set; } = "/metrics";

    /// <summary>How long a stopping node lets running requests finish, in milliseconds.</summary>
    public int ShutdownGracePeriod { get; set; } = 5000;

    /// <summary>WebSocket settings.</summary>
    public WebSocketOptions WebSocket { get; set; } = new();

    /// <summary>HTTP settings.</summary>
    public HttpOptions Http { get; set; } = new();
}

/// <summary>WebSocket settings (<c>server.protocols.websocket</c> plus our explicit bounds).</summary>
public sealed class WebSocketOptions
{
    /// <summary>Accept WebSocket upgrades.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Drop a socket that sent nothing for this long, in ms (values below 1000 become 60000, as in Kuzzle).</summary>
    public int IdleTimeout { get; set; } = 60_000;

    /// <summary>Messages accepted per socket per second; 0 = unlimited.</summary>
    public int RateLimit { get; set; }

    /// <summary>Most simultaneous WebSocket connections; further upgrades get 503.</summary>
    public int MaxConnections { get; set; } = 16_384;

    /// <summary>No longer used (queues are bounded by bytes and time); accepted so old configurations start, with a warning.</summary>
    public int? SendQueueFrames { get; set; }

    /// <summary>Most bytes waiting to be sent to one socket; beyond it the socket is closed with 1011 (client too slow).</summary>
    public int SendQueueBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Longest a socket's writes may wait on a client that reads nothing, in ms; then the socket is closed with 1011 (client too slow).
    /// </summary>
    public int SendStallTimeout { get; set; } = 15_000;

    /// <summary>Most requests of one socket executing at once; the socket is not read while it is reached.</summary>
    public int MaxPendingRequestsPerConnection { get; set; } = 64;

    /// <summary>Deepest JSON nesting accepted in a frame.</summary>
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>Per-message deflate when the client offers it (<c>server.protocols.websocket.compression</c>; off, as in Kuzzle).</summary>
    public bool Compression { get; set; }
}

/// <summary>HTTP settings (<c>server.protocols.http</c> and <c>http.*</c>).</summary>
public sealed class HttpOptions
{
    /// <summary>Serve the HTTP API.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Allowed origins, comma separated; <c>*</c> allows all.</summary>
    public string AccessControlAllowOrigin { get; set; } = "*";

    /// <summary>Treat allowed origins as regular expressions.</summary>
    public bool AccessControlAllowOriginUseRegExp { get; set; }

    /// <summary>Value of <c>Access-Control-Allow-Methods</c>.</summary>
    public string AccessControlAllowMethods { get; set; } = "GET,POST,PUT,PATCH,DELETE,OPTIONS,HEAD";

    /// <summary>Value of <c>Access-Control-Allow-Headers</c>.</summary>
    public string AccessControlAllowHeaders { get; set; } =
        "Content-Type, Access-Control-Allow-Headers, Authorization, X-Requested-With, Content-Encoding, Content-Length, X-Kuzzle-Volatile";

    /// <summary>Browser cookie authentication (<c>authToken</c> cookie).</summary>
    public bool CookieAuthentication { get; set; } = true;

    /// <summary>Addresses or CIDRs (comma separated) of reverse proxies whose <c>X-Forwarded-For</c> names the client; empty: none.</summary>
    public string TrustedProxies { get; set; } = "";

    /// <summary>Marks the authToken cookie <c>Secure</c> on every response (it always is on a request that came over TLS).</summary>
    public bool CookieSecure { get; set; }

    /// <summary>Compress responses when the client accepts it.</summary>
    public bool AllowCompression { get; set; } = true;

    /// <summary>Most <c>Content-Encoding</c> layers accepted on a request body.</summary>
    public int MaxEncodingLayers { get; set; } = 3;

    /// <summary>Extra accepted request content types.</summary>
    public string[] AdditionalContentTypes { get; set; } = [];

    /// <summary>Largest multipart file part, e.g. <c>"1MB"</c>.</summary>
    public string MaxFormFileSize { get; set; } = "1MB";

    /// <summary>Send <c>Connection: close</c> on routed responses, as Kuzzle does. Turn off to keep HTTP connections alive.</summary>
    public bool CloseConnections { get; set; } = true;

    /// <summary>Milliseconds a client has to send its request headers (slow-header clients are dropped).</summary>
    public int RequestHeadersTimeout { get; set; } = 30_000;

    /// <summary>Milliseconds an idle keep-alive HTTP connection is kept.</summary>
    public int KeepAliveTimeout { get; set; } = 130_000;

    /// <summary>Largest total size of request headers, in bytes.</summary>
    public int MaxRequestHeadersTotalSize { get; set; } = 32 * 1024;

    /// <summary>Longest request line (method, path and query string), in bytes; longer ones get a bare 414.</summary>
    public int MaxRequestLineSize { get; set; } = 16 * 1024;

    /// <summary>Slowest accepted request body upload, in bytes per second after a 5-second grace period (0 disables the check).</summary>
    public int MinRequestBodyDataRate { get; set; } = 240;
}

/// <summary>Kuzzle's <c>limits.*</c>.</summary>
public sealed class LimitsOptions
{
    /// <summary>Requests executing at once; more wait in the buffer.</summary>
    public int ConcurrentRequests { get; set; } = 100;

    /// <summary>Requests waiting for a slot; beyond it, 503 <c>api.process.overloaded</c>.</summary>
    public int RequestsBufferSize { get; set; } = 50_000;

    /// <summary>Buffer length that logs an overload warning.</summary>
    public int RequestsBufferWarningThreshold { get; set; } = 5_000;

    /// <summary>
    /// Most bytes all sockets' send queues may hold together; when reached, the largest queues are closed first (1011). 0 = a quarter of
    /// the memory available to the process.
    /// </summary>
    public long SendQueueTotalBytes { get; set; }

    /// <summary>Logins per connection per second.</summary>
    public int LoginsPerSecond { get; set; } = 1;

    /// <summary>Most conditions in one subscription filter.</summary>
    public int SubscriptionConditionsCount { get; set; } = 100;

    /// <summary>Unused by Kuzzle 2.56 but validated and reported.</summary>
    public int SubscriptionMinterms { get; set; }

    /// <summary>Most rooms on the node; 0 = unlimited.</summary>
    public int SubscriptionRooms { get; set; } = 1_000_000;

    /// <summary>Kept for compatibility of <c>server:capabilities</c>.</summary>
    public long SubscriptionDocumentTTL { get; set; } = 259_200_000;

    /// <summary>Most documents one request may read.</summary>
    public int DocumentsFetchCount { get; set; } = 10_000;

    /// <summary>Most documents one request may write.</summary>
    public int DocumentsWriteCount { get; set; } = 200;
}

/// <summary>Statistics snapshots.</summary>
public sealed class StatsOptions
{
    /// <summary>Keep statistics frames.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Seconds between frames.</summary>
    public int StatsInterval { get; set; } = 10;

    /// <summary>Seconds a frame is kept.</summary>
    public int Ttl { get; set; } = 3600;
}

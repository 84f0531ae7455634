namespace Kuzzle.Realtime.Client;

/// <summary>How the client talks to the server.</summary>
public enum KuzzleProtocol
{
    /// <summary>One WebSocket per client: requests, responses and realtime notifications.</summary>
    WebSocket,

    /// <summary>One HTTP request per API request (<c>POST /_query</c>); no realtime subscriptions.</summary>
    Http,
}

/// <summary>Where the client is in its connection lifecycle.</summary>
public enum KuzzleClientState
{
    /// <summary>Not connected (never connected, or disconnected on purpose).</summary>
    Disconnected,

    /// <summary>The first connection is being opened.</summary>
    Connecting,

    /// <summary>Connected: requests are sent at once.</summary>
    Connected,

    /// <summary>The connection was lost; the client is reconnecting and queues requests meanwhile.</summary>
    Reconnecting,

    /// <summary>Disposed: every call fails.</summary>
    Disposed,
}

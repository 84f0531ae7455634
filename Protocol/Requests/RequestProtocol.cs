namespace Kuzzle.Realtime.Protocol.Requests;

/// <summary>The protocol a request arrived on; it changes how arguments are coerced (HTTP booleans, strings).</summary>
public enum RequestProtocol
{
    /// <summary>A WebSocket frame: arguments keep their JSON types.</summary>
    WebSocket,

    /// <summary>An HTTP request (route or <c>POST /_query</c>): query-string arguments are strings, booleans are "present".</summary>
    Http,
}

using System.Text.Json;
using Kuzzle.Realtime.Protocol.Requests;
using Kuzzle.Realtime.Tokens;

namespace Kuzzle.Realtime.Server.Api;

/// <summary>Who sent a request: the connection as the pipeline sees it, whatever the protocol.</summary>
public interface IConnectionInfo
{
    /// <summary>Unique connection id.</summary>
    string Id { get; }

    /// <summary><c>websocket</c> or <c>http</c>.</summary>
    string Protocol { get; }

    /// <summary>Remote address, for logs and login throttling.</summary>
    string RemoteAddress { get; }

    /// <summary>The <c>Origin</c> header of the request or WebSocket upgrade, if any.</summary>
    string? Origin { get; }

    /// <summary>False once the connection is gone: its requests are dropped.</summary>
    bool IsAlive { get; }

    /// <summary>
    /// True when the connection outlives its requests (a socket): it can hold subscriptions, be linked to a token and receive
    /// frames nobody asked for (notifications, token expiry). False for a request-scoped connection (HTTP).
    /// </summary>
    bool IsPersistent { get; }

    /// <summary>
    /// Queues a frame for the client without waiting (a slow client never blocks the caller); the frame is released in every case.
    /// A connection that is not <see cref="IsPersistent"/> cannot receive unsolicited frames and only releases it.
    /// </summary>
    void Post(Network.Buffers.OutboundFrame frame);
}

/// <summary>The authenticated identity of a request.</summary>
/// <param name="Kuid">User id; <c>-1</c> for anonymous.</param>
/// <param name="Token">The token (session or API key) the request authenticated with; null for anonymous.</param>
public sealed record UserIdentity(string Kuid, AuthToken? Token)
{
    /// <summary>The anonymous user.</summary>
    public static UserIdentity Anonymous { get; } = new("-1", null);

    /// <summary>True for the anonymous user.</summary>
    public bool IsAnonymous => Kuid == "-1";

    /// <summary>Token expiry (Unix ms), or -1 for none.</summary>
    public long ExpiresAt => Token?.ExpiresAt ?? -1;
}

/// <summary>A raw (envelope-less) response, as <c>server:openapi</c> produces.</summary>
/// <param name="ContentType">HTTP content type.</param>
/// <param name="Value">A JSON value: an object (serialized) or a string (sent as is over HTTP).</param>
public sealed record RawResponse(string ContentType, JsonElement Value);

/// <summary>One request travelling through the pipeline: input, connection, identity and what the action sets on the response.</summary>
public sealed class RequestContext
{
    private List<KeyValuePair<string, string>>? _responseHeaders;

    /// <summary>Creates the context of one request.</summary>
    public RequestContext(RequestInput input, IConnectionInfo connection, string requestId)
    {
        Input = input;
        Connection = connection;
        RequestId = requestId;
    }

    /// <summary>The parsed request.</summary>
    public RequestInput Input { get; }

    /// <summary>The connection it came on.</summary>
    public IConnectionInfo Connection { get; }

    /// <summary>The request id echoed in the response.</summary>
    public string RequestId { get; }

    /// <summary>The caller, set by the authentication stage.</summary>
    public UserIdentity User { get; set; } = UserIdentity.Anonymous;

    /// <summary>Response headers set by the action (lower-case names).</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? ResponseHeaders => _responseHeaders;

    /// <summary>Set when the action answers without an envelope.</summary>
    public RawResponse? Raw { get; set; }

    /// <summary>The HTTP request headers (case-insensitive names), for strategies (auth.md §4.2); null on WebSocket.</summary>
    public IReadOnlyDictionary<string, string>? RequestHeaders { get; init; }

    /// <summary>True when the request came over TLS (HTTPS): cookies set in the answer are <c>Secure</c>.</summary>
    public bool IsTls { get; init; }

    /// <summary>Response status when the action chose one other than 200 (e.g. 206).</summary>
    public int? Status { get; set; }

    /// <summary>Adds a response header.</summary>
    public void AddResponseHeader(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        (_responseHeaders ??= []).Add(new(name.ToLowerInvariant(), value));
    }
}

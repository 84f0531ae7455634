using System.Text.Json;

namespace Kuzzle.Realtime.Client;

/// <summary>
/// Every error the client reports: a Kuzzle error envelope from the server (<see cref="Id"/>, <see cref="Code"/>,
/// <see cref="Status"/> as the server sent them; the server's stack is never kept) or a client-side failure (ids under
/// <c>network.client.*</c>, code 0, see <see cref="ClientErrors"/>).
/// </summary>
public sealed class KuzzleException : Exception
{
    /// <summary>Creates an error.</summary>
    public KuzzleException(string? id, int code, int status, string message, JsonElement props = default, Exception? innerException = null)
        : base(message, innerException)
    {
        Id = id;
        Code = code;
        Status = status;
        Props = props;
    }

    /// <summary>Creates an error without id (ad-hoc errors).</summary>
    public KuzzleException(string message)
        : this(null, 0, 500, message)
    {
    }

    /// <summary>Creates an error without id wrapping another exception.</summary>
    public KuzzleException(string message, Exception innerException)
        : this(null, 0, 500, message, default, innerException)
    {
    }

    /// <summary>Creates an empty error (for serializers and analyzers; prefer the other constructors).</summary>
    public KuzzleException()
        : this(null, 0, 500, "Kuzzle error")
    {
    }

    /// <summary>Kuzzle error id (<c>security.token.invalid</c>), null for the few errors Kuzzle sends without one.</summary>
    public string? Id { get; }

    /// <summary>Kuzzle's numeric error code (0 when absent or for client-side errors).</summary>
    public int Code { get; }

    /// <summary>HTTP-like status (401, 403, 404, 503…).</summary>
    public int Status { get; }

    /// <summary>The error's <c>props</c> (template values) when the server sent them, else an undefined element.</summary>
    public JsonElement Props { get; }

    /// <summary>Reads a Kuzzle error object (<c>{"id","code","message","status","props"}</c>; <c>stack</c> is ignored).</summary>
    internal static KuzzleException FromError(JsonElement error, int fallbackStatus)
    {
        string? id = null;
        var code = 0;
        var status = fallbackStatus;
        var message = "Kuzzle error";
        JsonElement props = default;
        if (error.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in error.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "id" when property.Value.ValueKind == JsonValueKind.String:
                        id = property.Value.GetString();
                        break;
                    case "code" when property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var c):
                        code = c;
                        break;
                    case "status" when property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var s):
                        status = s;
                        break;
                    case "message" when property.Value.ValueKind == JsonValueKind.String:
                        message = property.Value.GetString() ?? message;
                        break;
                    case "props":
                        props = property.Value;
                        break;
                }
            }
        }

        return new KuzzleException(id, code, status, message, props);
    }
}

/// <summary>Ids of the errors the client raises itself (code 0).</summary>
public static class ClientErrors
{
    /// <summary>The server could not be reached (503).</summary>
    public const string ConnectionFailed = "network.client.connection_failed";

    /// <summary>A request was made while the client is not connected and cannot queue it (503).</summary>
    public const string NotConnected = "network.client.not_connected";

    /// <summary>The connection was lost while the request was in flight: it may or may not have been executed (503).</summary>
    public const string ConnectionLost = "network.client.connection_lost";

    /// <summary>The offline queue is full (503).</summary>
    public const string OfflineQueueFull = "network.client.offline_queue_full";

    /// <summary>No answer within the request timeout, or a queued request waited longer than the queue TTL (504).</summary>
    public const string Timeout = "network.client.timeout";

    /// <summary>A server message could not be read (502).</summary>
    public const string BadResponse = "network.client.bad_response";

    internal static KuzzleException Create(string id, int status, string message, Exception? inner = null) =>
        new(id, 0, status, message, default, inner);
}

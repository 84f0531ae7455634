using System.Text.Json;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Requests;

namespace Kuzzle.Realtime.Protocol.Responses;

/// <summary>
/// Writes the Kuzzle response envelope (protocol.md §3) in the server's key order:
/// <c>action, collection?, controller, error, headers, index?, node, requestId, result, status, volatile, room?</c>.
/// </summary>
public static class ResponseEnvelope
{
    /// <summary>Writes one envelope for <paramref name="request"/> (null for frames built before a request existed).</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="request">The request, or null.</param>
    /// <param name="requestId">Request id to echo (used when the request has no client id element).</param>
    /// <param name="nodeId">This node's id.</param>
    /// <param name="status">Response status.</param>
    /// <param name="result">Result, or null.</param>
    /// <param name="error">Error, or null.</param>
    /// <param name="headers">Response headers the action set (lower-case names), or null.</param>
    /// <param name="includeRoom">WebSocket responses carry <c>room</c> = request id.</param>
    public static void Write(
        Utf8JsonWriter writer,
        RequestInput? request,
        string requestId,
        string nodeId,
        int status,
        ApiResult? result,
        KuzzleException? error,
        IReadOnlyList<KeyValuePair<string, string>>? headers,
        bool includeRoom)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        WriteNullableString(writer, "action"u8, request?.Action);
        if (request is not null && request.TryGetArg("collection", out var collection))
        {
            writer.WritePropertyName("collection"u8);
            collection.WriteTo(writer);
        }

        WriteNullableString(writer, "controller"u8, request?.Controller);
        writer.WritePropertyName("error"u8);
        if (error is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            ErrorWriter.Write(writer, error);
        }

        writer.WritePropertyName("headers"u8);
        writer.WriteStartObject();
        if (headers is not null)
        {
            foreach (var h in headers)
            {
                // protocol.md §3: a cookie (HttpOnly for a reason) is never repeated where scripts can read it.
                if (!h.Key.Equals("set-cookie", StringComparison.OrdinalIgnoreCase))
                {
                    writer.WriteString(h.Key, h.Value);
                }
            }
        }

        writer.WriteEndObject();
        if (request is not null && request.TryGetArg("index", out var index))
        {
            writer.WritePropertyName("index"u8);
            index.WriteTo(writer);
        }

        writer.WriteString("node"u8, nodeId);
        WriteRequestId(writer, request, requestId);
        writer.WritePropertyName("result"u8);
        if (result is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            result.WriteTo(writer);
        }

        writer.WriteNumber("status"u8, status);
        writer.WritePropertyName("volatile"u8);
        if (request is not null && request.Volatile.ValueKind == JsonValueKind.Object)
        {
            request.Volatile.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }

        if (includeRoom)
        {
            WriteRequestId(writer, request, requestId, "room"u8);
        }

        writer.WriteEndObject();
    }

    private static void WriteRequestId(Utf8JsonWriter writer, RequestInput? request, string requestId) =>
        WriteRequestId(writer, request, requestId, "requestId"u8);

    // The client's id element is copied byte for byte: no decode/encode round trip on the hot path.
    private static void WriteRequestId(Utf8JsonWriter writer, RequestInput? request, string requestId, ReadOnlySpan<byte> name)
    {
        if (request is not null && request.RequestIdElement.ValueKind == JsonValueKind.String
            && string.Equals(request.RequestId, requestId, StringComparison.Ordinal))
        {
            writer.WritePropertyName(name);
            request.RequestIdElement.WriteTo(writer);
        }
        else
        {
            writer.WriteString(name, requestId);
        }
    }

    private static void WriteNullableString(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}

using System.Text.Json;
using System.Text.Unicode;
using Kuzzle.Realtime.Protocol.Errors;

namespace Kuzzle.Realtime.Protocol.Requests;

/// <summary>What a received payload turned out to be.</summary>
public enum FrameKind
{
    /// <summary>A request, ready to execute.</summary>
    Request,

    /// <summary>The application ping <c>{"p":1}</c>; the answer is <c>{"p":2}</c>.</summary>
    Heartbeat,

    /// <summary>Not valid UTF-8 JSON (or nested deeper than allowed): <c>network.websocket.unexpected_error</c> over WebSocket.</summary>
    InvalidJson,

    /// <summary>Valid JSON but the request could not be built (not an object, wrong field types): an id-less error.</summary>
    InvalidRequest,
}

/// <summary>The result of parsing one payload. Exactly one of <see cref="Request"/> and <see cref="Error"/> is set, except for heartbeats.</summary>
public readonly record struct ParsedFrame(FrameKind Kind, RequestInput? Request, KuzzleException? Error, string? ClientRequestId);

/// <summary>
/// Builds <see cref="RequestInput"/> from UTF-8 bytes (protocol.md §2, §4.2). The payload memory must stay untouched until the request is
/// disposed: the parsed document points into it instead of copying it.
/// </summary>
public static class RequestParser
{
    /// <summary>Default nesting limit: deep enough for any real filter or body, shallow enough to bound the parser's work.</summary>
    public const int DefaultMaxDepth = 64;

    internal static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = DefaultMaxDepth };

    /// <summary>Why a JSON text escaping a lone UTF-16 surrogate is refused (no string can be read from it).</summary>
    public const string LoneSurrogateMessage = "a string escapes a lone UTF-16 surrogate";

    /// <summary>The keys that are never arguments.</summary>
    public static bool IsReservedKey(string name) =>
        name is "controller" or "action" or "jwt" or "body" or "volatile";

    /// <summary>Parses one WebSocket payload or <c>POST /_query</c> body.</summary>
    /// <param name="utf8">The payload.</param>
    /// <param name="protocol">Where it came from.</param>
    /// <param name="maxDepth">The nesting limit.</param>
    /// <param name="knownJwt">
    /// The token this connection sent last, if any: a frame carrying the same token gets this very string instead of a new copy
    /// (clients repeat their token on every frame).
    /// </param>
    public static ParsedFrame Parse(ReadOnlyMemory<byte> utf8, RequestProtocol protocol, int maxDepth = DefaultMaxDepth, string? knownJwt = null)
    {
        // WARNING: invalid UTF-8 must be rejected here: the JSON reader only validates it lazily, inside strings it is asked to decode.
        if (!Utf8.IsValid(utf8.Span))
        {
            return new ParsedFrame(FrameKind.InvalidJson, null, KuzzleErrors.Network.Websocket.UnexpectedError.Create("invalid UTF-8 payload"), null);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = maxDepth });
        }
        catch (JsonException ex)
        {
            return new ParsedFrame(FrameKind.InvalidJson, null, KuzzleErrors.Network.Websocket.UnexpectedError.Create(ex.Message), null);
        }

        var root = document.RootElement;
        if (Json.JsonStrings.ContainsLoneSurrogate(utf8.Span, maxDepth))
        {
            // Refused whole, before any field is read (each read would throw); the client's request id still correlates it.
            var clientRequestId = ReadableRequestId(root);
            document.Dispose();
            return new ParsedFrame(FrameKind.InvalidRequest, null, KuzzleErrors.Network.Websocket.UnexpectedError.Create(LoneSurrogateMessage), clientRequestId);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return new ParsedFrame(FrameKind.InvalidRequest, null, NotAnObject(), null);
        }

        if (IsHeartbeat(root))
        {
            document.Dispose();
            return new ParsedFrame(FrameKind.Heartbeat, null, null, null);
        }

        return Build(protocol, document, root, root, argsContainReservedKeys: true, extraDocument: null, knownJwt);
    }

    /// <summary>
    /// Builds a request from an already parsed object (HTTP routes build an argument object first). The request takes ownership of both
    /// documents.
    /// </summary>
    public static ParsedFrame Build(
        RequestProtocol protocol,
        JsonDocument? document,
        JsonElement root,
        JsonElement args,
        bool argsContainReservedKeys,
        JsonDocument? extraDocument,
        string? knownJwt = null)
    {
        var request = new RequestInput(protocol, document, args, argsContainReservedKeys, extraDocument);
        string? clientRequestId = null;
        KuzzleException? error = null;
        foreach (var p in root.EnumerateObject())
        {
            var v = p.Value;
            switch (p.Name)
            {
                case "controller":
                    request.Controller = ReadOptionalName(v, "controller", ref error);
                    break;
                case "action":
                    request.Action = ReadOptionalName(v, "action", ref error);
                    break;
                case "jwt":
                    request.Jwt = knownJwt is not null && v.ValueKind == JsonValueKind.String && v.ValueEquals(knownJwt)
                        ? knownJwt
                        : ReadOptionalString(v, "jwt", ref error);
                    break;
                case "requestId":
                    if (v.ValueKind == JsonValueKind.String)
                    {
                        clientRequestId = v.GetString();
                        if (!string.IsNullOrEmpty(clientRequestId))
                        {
                            request.SetClientRequestId(clientRequestId, v);
                        }
                    }
                    else if (v.ValueKind is not (JsonValueKind.Null or JsonValueKind.False))
                    {
                        error ??= KuzzleException.AdHoc(400, "Attribute requestId must be of type \"string\"");
                    }

                    break;
                case "volatile":
                    if (v.ValueKind == JsonValueKind.Object)
                    {
                        request.Volatile = v;
                    }
                    else if (v.ValueKind != JsonValueKind.Null)
                    {
                        error ??= KuzzleException.AdHoc(400, "Attribute volatile must be of type \"object\"");
                    }

                    break;
                case "body":
                    if (v.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                    {
                        request.Body = v;
                    }
                    else if (v.ValueKind != JsonValueKind.Null)
                    {
                        error ??= KuzzleException.AdHoc(400, "Attribute body must be of type \"object\" or \"array\"");
                    }

                    break;
            }
        }

        if (error is not null)
        {
            request.Dispose();
            return new ParsedFrame(FrameKind.InvalidRequest, null, error, clientRequestId);
        }

        return new ParsedFrame(FrameKind.Request, request, null, clientRequestId);
    }

    /// <summary>The error Kuzzle gives for a payload that is valid JSON but not an object (InternalError, no id).</summary>
    public static KuzzleException NotAnObject() => KuzzleException.AdHoc(500, "Input request data must be a non-null object");

    private static string? ReadableRequestId(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("requestId"u8, out var id) || id.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return id.GetString();
        }
        catch (InvalidOperationException)
        {
            return null; // The request id itself is the undecodable string.
        }
    }

    // Exactly {"p":1}: anything else with a "p" key is a normal request.
    private static bool IsHeartbeat(JsonElement root)
    {
        using var e = root.EnumerateObject();
        if (!e.MoveNext())
        {
            return false;
        }

        var first = e.Current;
        return first.NameEquals("p")
            && first.Value.ValueKind == JsonValueKind.Number
            && first.Value.TryGetDouble(out var d) && d == 1
            && !e.MoveNext();
    }

    private static string? ReadOptionalName(JsonElement v, string name, ref KuzzleException? error) =>
        v.ValueKind == JsonValueKind.String ? NameTable.Get(v) : ReadOptionalString(v, name, ref error);

    private static string? ReadOptionalString(JsonElement v, string name, ref KuzzleException? error)
    {
        if (v.ValueKind == JsonValueKind.String)
        {
            return v.GetString();
        }

        if (v.ValueKind != JsonValueKind.Null)
        {
            error ??= KuzzleException.AdHoc(400, $"Attribute {name} must be of type \"string\"");
        }

        return null;
    }
}

using System.Buffers.Text;
using System.Text.Json;

namespace Kuzzle.Realtime.Client.Internal;

/// <summary>What a server message is, decided from its top-level keys (protocol.md §4.4).</summary>
internal enum FrameKind
{
    /// <summary>Exactly <c>{"p":2}</c>.</summary>
    Pong,

    /// <summary><c>room</c> names one of the client's generated request ids.</summary>
    Response,

    /// <summary><c>type</c> is <c>TokenExpired</c>.</summary>
    TokenExpired,

    /// <summary>Another <c>kuzzle:notification:server</c> message (e.g. <c>TokenExpiringSoon</c>).</summary>
    ServerNotice,

    /// <summary>Any other message with a <c>room</c>: a notification, or a response to a request id the caller chose.</summary>
    Room,

    /// <summary>No <c>room</c>: an id-less error frame the client cannot correlate.</summary>
    Unroutable,
}

/// <summary>Classifies a server message in one pass over its bytes, allocating only a room name that is not one of ours.</summary>
internal static class FrameReader
{
    public readonly record struct FrameInfo(FrameKind Kind, long RequestKey, string? Room);

    /// <summary>Reads the top-level keys of <paramref name="frame"/>; <paramref name="requestIdPrefix"/> is the client's
    /// request id prefix (<c>&lt;prefix&gt;&lt;number&gt;</c>).</summary>
    public static FrameInfo Classify(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> requestIdPrefix)
    {
        var reader = new Utf8JsonReader(frame, new JsonReaderOptions { MaxDepth = 256 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return new FrameInfo(FrameKind.Unroutable, 0, null);
        }

        var keys = 0;
        var pIsTwo = false;
        var tokenExpired = false;
        var serverRoom = false;
        long key = -1;
        string? room = null;
        var hasRoom = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            keys++;
            if (reader.ValueTextEquals("room"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    hasRoom = true;
                    if (!reader.ValueIsEscaped && TryParseRequestKey(reader.ValueSpan, requestIdPrefix, out var parsed))
                    {
                        key = parsed;
                    }
                    else if (reader.ValueTextEquals("kuzzle:notification:server"u8))
                    {
                        serverRoom = true;
                    }
                    else
                    {
                        room = reader.GetString();
                    }
                }
            }
            else if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                tokenExpired = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("TokenExpired"u8);
            }
            else if (reader.ValueTextEquals("p"u8))
            {
                reader.Read();
                pIsTwo = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var p) && p == 2;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (keys == 1 && pIsTwo)
        {
            return new FrameInfo(FrameKind.Pong, 0, null);
        }

        if (tokenExpired)
        {
            return new FrameInfo(FrameKind.TokenExpired, 0, null);
        }

        if (key >= 0)
        {
            return new FrameInfo(FrameKind.Response, key, null);
        }

        if (serverRoom)
        {
            return new FrameInfo(FrameKind.ServerNotice, 0, null);
        }

        return hasRoom && room is not null ? new FrameInfo(FrameKind.Room, 0, room) : new FrameInfo(FrameKind.Unroutable, 0, null);
    }

    private static bool TryParseRequestKey(ReadOnlySpan<byte> value, ReadOnlySpan<byte> prefix, out long key)
    {
        key = -1;
        return value.StartsWith(prefix)
            && Utf8Parser.TryParse(value[prefix.Length..], out key, out var consumed)
            && consumed == value.Length - prefix.Length
            && key >= 0;
    }

    /// <summary>Parses the whole message into a standalone element (one copy: the user's data and its envelope).</summary>
    public static JsonElement Parse(ReadOnlySpan<byte> frame)
    {
        var reader = new Utf8JsonReader(frame, new JsonReaderOptions { MaxDepth = 256 });
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>The error of an envelope, or null when <c>error</c> is absent or null.</summary>
    public static KuzzleException? ErrorOf(JsonElement envelope, out int status)
    {
        status = envelope.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var st) ? st : 200;
        if (envelope.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            return KuzzleException.FromError(error, status);
        }

        return null;
    }
}

using System.Text.Json;

namespace Kuzzle.Realtime.Protocol.Responses;

/// <summary>Frames the server pushes outside request/response correlation (protocol.md §4.4).</summary>
public static class ServerFrames
{
    /// <summary>The answer to the application ping <c>{"p":1}</c>.</summary>
    public static ReadOnlySpan<byte> Pong => "{\"p\":2}"u8;

    /// <summary>The room of server notifications.</summary>
    public const string NotificationRoom = "kuzzle:notification:server";

    /// <summary>Writes the TokenExpired server notification (auth.md §6.4).</summary>
    public static void WriteTokenExpired(Utf8JsonWriter writer, string nodeId)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber("status"u8, 200);
        writer.WriteString("info"u8, "This is an automated server notification");
        writer.WriteString("message"u8, "Authentication Token Expired");
        writer.WriteString("type"u8, "TokenExpired");
        writer.WriteString("node"u8, nodeId);
        writer.WriteString("room"u8, NotificationRoom);
        writer.WriteEndObject();
    }

    /// <summary>
    /// Our notice that a connection's token expires soon (not a Kuzzle frame): it carries the server notification room, which the
    /// SDK only dispatches to listeners of that room, so clients that do not know it ignore it.
    /// </summary>
    public static void WriteTokenExpiringSoon(Utf8JsonWriter writer, string nodeId, long expiresAt)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber("status"u8, 200);
        writer.WriteString("info"u8, "This is an automated server notification");
        writer.WriteString("message"u8, "Authentication Token Expiring Soon");
        writer.WriteString("type"u8, "TokenExpiringSoon");
        writer.WriteNumber("expiresAt"u8, expiresAt);
        writer.WriteString("node"u8, nodeId);
        writer.WriteString("room"u8, NotificationRoom);
        writer.WriteEndObject();
    }
}

using System.Buffers;
using System.Text.Json;
using Kuzzle.Realtime.Server.Realtime;

namespace Kuzzle.Realtime.Server.Cluster;

/// <summary>
/// The JSON messages nodes exchange on a collection's channel. <c>n</c> = sending node (a node ignores its own), <c>t</c> = type:
/// <c>d</c> a publish (document notification), <c>u</c> a user notification with the cluster-wide count.
/// </summary>
internal static class ClusterMessages
{
    public static byte[] Document(string node, string index, string collection, ReadOnlyMemory<byte> source, string? documentId, in NotificationOrigin origin)
    {
        var buffer = new ArrayBufferWriter<byte>(source.Length + 256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("n"u8, node);
            w.WriteString("t"u8, "d"u8);
            w.WriteString("i"u8, index);
            w.WriteString("c"u8, collection);
            if (documentId is not null)
            {
                w.WriteString("id"u8, documentId);
            }

            w.WriteString("r"u8, origin.RequestId);
            w.WriteNumber("ts"u8, origin.Timestamp);
            if (origin.Volatile.ValueKind == JsonValueKind.Object)
            {
                w.WritePropertyName("v"u8);
                origin.Volatile.WriteTo(w);
            }

            w.WriteString("ctl"u8, origin.Controller);
            if (origin.Protocol is not null)
            {
                w.WriteString("p"u8, origin.Protocol);
            }

            w.WritePropertyName("s"u8);
            w.WriteRawValue(source.Span, skipInputValidation: true);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] User(string node, Room room, UserChange change, int count)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("n"u8, node);
            w.WriteString("t"u8, "u"u8);
            w.WriteString("room"u8, room.Id);
            w.WriteString("d"u8, change.Direction == NotificationScope.In ? "in"u8 : "out"u8);
            w.WriteString("a"u8, change.Action);
            w.WriteNumber("cnt"u8, count);
            if (change.Volatile.ValueKind == JsonValueKind.Object)
            {
                w.WritePropertyName("v"u8);
                change.Volatile.WriteTo(w);
            }

            w.WriteBoolean("x"u8, change.IncludeIndex);
            if (change.Protocol is not null)
            {
                w.WriteString("p"u8, change.Protocol);
            }

            w.WriteNumber("ts"u8, change.Timestamp);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Hands a received message to the matching delivery; false when it came from this node.</summary>
    /// <param name="congested">Receives the local sockets whose send queue this delivery left half full (the caller paces on them).</param>
    public static bool Dispatch(ReadOnlySpan<byte> self, ReadOnlyMemory<byte> payload, HotelClerk clerk, Notifier notifier, List<Network.WebSockets.WebSocketConnection> congested)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        if (root.GetProperty("n"u8).ValueEquals(self))
        {
            return false;
        }

        var volatileData = root.TryGetProperty("v"u8, out var v) ? v : default;
        var protocol = root.TryGetProperty("p"u8, out var p) ? p.GetString() : null;
        if (root.GetProperty("t"u8).ValueEquals("d"u8))
        {
            var index = root.GetProperty("i"u8).GetString()!;
            var collection = root.GetProperty("c"u8).GetString()!;
            var id = root.TryGetProperty("id"u8, out var idElement) ? idElement.GetString() : null;
            var source = root.GetProperty("s"u8);
            var rooms = clerk.Match(index, collection, SourceBytes(source), id);
            if (rooms.Count > 0)
            {
                var origin = new NotificationOrigin(
                    root.GetProperty("r"u8).GetString()!, root.GetProperty("ts"u8).GetInt64(), volatileData, index, collection,
                    root.GetProperty("ctl"u8).GetString()!, protocol);
                notifier.NotifyDocument(rooms, NotificationScope.In, "publish", "publish", source, id, origin, remote: true, congested);
            }

            return true;
        }

        if (clerk.TryGetRoom(root.GetProperty("room"u8).GetString()!, out var room))
        {
            var direction = root.GetProperty("d"u8).ValueEquals("in"u8) ? NotificationScope.In : NotificationScope.Out;
            notifier.NotifyUser(
                room, direction, root.GetProperty("a"u8).GetString()!, root.GetProperty("cnt"u8).GetInt32(), volatileData,
                root.GetProperty("x"u8).GetBoolean(), protocol, root.GetProperty("ts"u8).GetInt64(), except: null, remote: true, congested);
        }

        return true;
    }

    // Koncorde matches on the document's UTF-8 text; the raw value is re-serialised (compact) rather than located in the payload.
    private static byte[] SourceBytes(JsonElement source) => JsonSerializer.SerializeToUtf8Bytes(source);
}

using System.Text.Json;
using Kuzzle.Realtime.Server.Network;
using Kuzzle.Realtime.Server.Network.Buffers;
using Kuzzle.Realtime.Server.Network.WebSockets;

namespace Kuzzle.Realtime.Server.Realtime;

/// <summary>What triggered a notification: echoed in every notification it causes (realtime.md §5.2).</summary>
/// <param name="RequestId">Triggering request id.</param>
/// <param name="Timestamp">Its timestamp (epoch ms).</param>
/// <param name="Volatile">Its volatile, or undefined.</param>
/// <param name="Index">Index.</param>
/// <param name="Collection">Collection.</param>
/// <param name="Controller">Triggering controller.</param>
/// <param name="Protocol">Triggering protocol.</param>
public readonly record struct NotificationOrigin(
    string RequestId, long Timestamp, JsonElement Volatile, string? Index, string? Collection, string Controller, string? Protocol);

/// <summary>
/// Builds notification frames and hands them to sockets. One frame per (notification, channel), shared by every socket of the
/// channel; delivery only queues (<see cref="WebSocketConnection.Post"/>), so a slow subscriber never blocks the publisher.
/// </summary>
public sealed class Notifier(ConnectionRegistry connections, NodeIdentity node)
{
    /// <summary>Sends a document notification to the channels of the given rooms that accept the scope.</summary>
    /// <param name="remote">True for a notification coming from another node: channels that do not propagate skip it.</param>
    /// <param name="congested">When given, receives the sockets left <see cref="WebSocketConnection.IsCongested"/> by this delivery.</param>
    public int NotifyDocument(IEnumerable<Room> rooms, NotificationScope scope, string action, string @event, JsonElement source, string? documentId, in NotificationOrigin origin, bool remote = false, List<WebSocketConnection>? congested = null)
    {
        byte[]? prefix = null;
        var delivered = 0;
        foreach (var room in rooms)
        {
            foreach (var channel in room.ChannelList)
            {
                if (!channel.Accepts(scope) || channel.Connections.IsEmpty || (remote && !channel.Propagate))
                {
                    continue;
                }

                prefix ??= DocumentPrefix(scope, action, @event, source, documentId, origin);
                delivered += Deliver(channel, prefix, null, congested);
            }
        }

        return delivered;
    }

    /// <summary>Sends a user notification (<c>in</c>/<c>out</c>) to the room's channels that accept it.</summary>
    public void NotifyUser(Room room, NotificationScope direction, string action, int count, JsonElement subscriberVolatile, bool includeIndex, string? protocol, long timestamp, string? except = null, bool remote = false, List<WebSocketConnection>? congested = null)
    {
        ArgumentNullException.ThrowIfNull(room);
        byte[]? prefix = null;
        foreach (var channel in room.ChannelList)
        {
            if (!channel.AcceptsUsers(direction) || channel.Connections.IsEmpty || (remote && !channel.Propagate))
            {
                continue;
            }

            prefix ??= UserPrefix(room, direction, action, count, subscriberVolatile, includeIndex, protocol, timestamp);
            Deliver(channel, prefix, except, congested);
        }
    }

    private int Deliver(Channel channel, byte[] prefix, string? except, List<WebSocketConnection>? congested)
    {
        var frame = OutboundFrame.Shared(WithRoom(prefix, channel.Name));
        var delivered = 0;
        foreach (var id in channel.Connections)
        {
            if (id != except && connections.TryGet(id, out var connection))
            {
                connection.Post(frame);
                delivered++;
                if (congested is not null && connection.IsCongested)
                {
                    congested.Add(connection);
                }
            }
        }

        return delivered;
    }

    // The prefix is the notification object without its closing brace; each channel appends ,"room":"<name>"}.
    private static byte[] WithRoom(byte[] prefix, string channelName)
    {
        var room = JsonEncodedText.Encode(channelName, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).EncodedUtf8Bytes;
        ReadOnlySpan<byte> key = ",\"room\":\""u8;
        var bytes = new byte[prefix.Length + key.Length + room.Length + 2];
        prefix.CopyTo(bytes, 0);
        key.CopyTo(bytes.AsSpan(prefix.Length));
        room.CopyTo(bytes.AsSpan(prefix.Length + key.Length));
        bytes[^2] = (byte)'"';
        bytes[^1] = (byte)'}';
        return bytes;
    }

    private byte[] DocumentPrefix(NotificationScope scope, string action, string @event, JsonElement source, string? documentId, NotificationOrigin origin)
    {
        var frame = JsonFrameBuilder.Build(
            (Scope: scope, Action: action, Event: @event, Source: source, Id: documentId, Origin: origin, Node: node.Id),
            static (w, s) =>
            {
                w.WriteStartObject();
                w.WriteString("type"u8, "document");
                w.WriteNumber("status"u8, 200);
                w.WriteString("action"u8, s.Action);
                w.WriteString("scope"u8, s.Scope == NotificationScope.Out ? "out" : "in");
                w.WriteStartObject("result"u8);
                w.WritePropertyName("_source"u8);
                s.Source.WriteTo(w);
                if (s.Id is not null)
                {
                    w.WriteString("_id"u8, s.Id);
                }

                w.WriteEndObject();
                w.WriteString("node"u8, s.Node);
                w.WriteString("event"u8, s.Event);
                WriteOrigin(w, s.Origin, includeIndex: true);
                w.WriteEndObject();
            });
        return TrimClosingBrace(frame);
    }

    private byte[] UserPrefix(Room room, NotificationScope direction, string action, int count, JsonElement subscriberVolatile, bool includeIndex, string? protocol, long timestamp)
    {
        var frame = JsonFrameBuilder.Build(
            (Room: room, Direction: direction, Action: action, Count: count, Volatile: subscriberVolatile, IncludeIndex: includeIndex, Protocol: protocol, Timestamp: timestamp, Node: node.Id),
            static (w, s) =>
            {
                w.WriteStartObject();
                w.WriteString("type"u8, "user");
                w.WriteNumber("status"u8, 200);
                w.WriteString("user"u8, s.Direction == NotificationScope.In ? "in" : "out");
                w.WriteStartObject("result"u8);
                w.WriteNumber("count"u8, s.Count);
                w.WriteEndObject();
                w.WriteString("node"u8, s.Node);
                w.WriteNumber("timestamp"u8, s.Timestamp);
                WriteVolatile(w, s.Volatile);
                if (s.IncludeIndex)
                {
                    w.WriteString("index"u8, s.Room.Index);
                    w.WriteString("collection"u8, s.Room.Collection);
                }

                w.WriteString("controller"u8, "realtime");
                w.WriteString("action"u8, s.Action);
                if (s.Protocol is null)
                {
                    w.WriteNull("protocol"u8);
                }
                else
                {
                    w.WriteString("protocol"u8, s.Protocol);
                }

                w.WriteEndObject();
            });
        return TrimClosingBrace(frame);
    }

    private static void WriteOrigin(Utf8JsonWriter w, in NotificationOrigin o, bool includeIndex)
    {
        w.WriteString("requestId"u8, o.RequestId);
        w.WriteNumber("timestamp"u8, o.Timestamp);
        WriteVolatile(w, o.Volatile);
        if (includeIndex && o.Index is not null)
        {
            w.WriteString("index"u8, o.Index);
        }

        if (includeIndex && o.Collection is not null)
        {
            w.WriteString("collection"u8, o.Collection);
        }

        w.WriteString("controller"u8, o.Controller);
        if (o.Protocol is null)
        {
            w.WriteNull("protocol"u8);
        }
        else
        {
            w.WriteString("protocol"u8, o.Protocol);
        }
    }

    private static void WriteVolatile(Utf8JsonWriter w, JsonElement v)
    {
        w.WritePropertyName("volatile"u8);
        if (v.ValueKind == JsonValueKind.Object)
        {
            v.WriteTo(w);
        }
        else
        {
            w.WriteNullValue();
        }
    }

    private static byte[] TrimClosingBrace(OutboundFrame frame)
    {
        try
        {
            return frame.Memory.Span[..(frame.Length - 1)].ToArray();
        }
        finally
        {
            frame.Release();
        }
    }
}

using System.Text.Json;

namespace Kuzzle.Realtime.Client;

/// <summary>
/// A realtime notification (realtime.md §5): a document notification (<see cref="Type"/> <c>"document"</c>: a change or a
/// publish matched the subscription) or a user notification (<c>"user"</c>: a subscriber entered or left the room).
/// </summary>
public sealed class Notification
{
    private Notification(JsonElement raw, string room)
    {
        Raw = raw;
        Room = room;
    }

    /// <summary><c>document</c> or <c>user</c>.</summary>
    public string Type { get; private init; } = "";

    /// <summary>The channel the notification was delivered on (the <c>channel</c> returned by subscribe).</summary>
    public string Room { get; }

    /// <summary>Document notifications: <c>create</c>, <c>replace</c>, <c>update</c>, <c>delete</c> or <c>publish</c>;
    /// user notifications: <c>subscribe</c>, <c>join</c> or <c>unsubscribe</c>.</summary>
    public string? Action { get; private init; }

    /// <summary>Controller of the request that caused it (<c>document</c>, <c>realtime</c>, …).</summary>
    public string? Controller { get; private init; }

    /// <summary>Index of the document or room.</summary>
    public string? Index { get; private init; }

    /// <summary>Collection of the document or room.</summary>
    public string? Collection { get; private init; }

    /// <summary>Document notifications: <c>in</c> (the document matches the filters) or <c>out</c> (it stopped matching).</summary>
    public string? Scope { get; private init; }

    /// <summary>User notifications: <c>in</c> or <c>out</c>.</summary>
    public string? User { get; private init; }

    /// <summary>Document notifications: <c>write</c>, <c>delete</c> or <c>publish</c>.</summary>
    public string? Event { get; private init; }

    /// <summary>Protocol of the request that caused it.</summary>
    public string? Protocol { get; private init; }

    /// <summary>Id of the request that caused it (not one of this client's request ids).</summary>
    public string? RequestId { get; private init; }

    /// <summary>When the request that caused it was received, epoch milliseconds.</summary>
    public long Timestamp { get; private init; }

    /// <summary>Document notifications: <c>{"_id", "_source"}</c>; user notifications: <c>{"count"}</c>.</summary>
    public JsonElement Result { get; private init; }

    /// <summary>Volatile data of the request (document) or of the subscriber (user) that caused it.</summary>
    public JsonElement Volatile { get; private init; }

    /// <summary>The whole notification as received.</summary>
    public JsonElement Raw { get; }

    /// <summary>Id of the document, when the notification has one.</summary>
    public string? DocumentId =>
        Result.ValueKind == JsonValueKind.Object && Result.TryGetProperty("_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;

    /// <summary>Content of the document (<c>_source</c>), or an undefined element.</summary>
    public JsonElement Source =>
        Result.ValueKind == JsonValueKind.Object && Result.TryGetProperty("_source", out var source) ? source : default;

    /// <summary>User notifications: subscribers in the room after the change.</summary>
    public int? Count =>
        Result.ValueKind == JsonValueKind.Object && Result.TryGetProperty("count", out var count) && count.TryGetInt32(out var n) ? n : null;

    internal static Notification From(JsonElement raw, string room)
    {
        string? type = null, action = null, controller = null, index = null, collection = null, scope = null, user = null, evt = null, protocol = null, requestId = null;
        long timestamp = 0;
        JsonElement result = default, volatileData = default;
        foreach (var property in raw.EnumerateObject())
        {
            var value = property.Value;
            var text = value.ValueKind == JsonValueKind.String ? value : default;
            switch (property.Name)
            {
                case "type": type = Text(text); break;
                case "action": action = Text(text); break;
                case "controller": controller = Text(text); break;
                case "index": index = Text(text); break;
                case "collection": collection = Text(text); break;
                case "scope": scope = Text(text); break;
                case "user": user = Text(text); break;
                case "event": evt = Text(text); break;
                case "protocol": protocol = Text(text); break;
                case "requestId": requestId = Text(text); break;
                case "timestamp" when value.ValueKind == JsonValueKind.Number: value.TryGetInt64(out timestamp); break;
                case "result": result = value; break;
                case "volatile": volatileData = value; break;
            }
        }

        return new Notification(raw, room)
        {
            Type = type ?? "",
            Action = action,
            Controller = controller,
            Index = index,
            Collection = collection,
            Scope = scope,
            User = user,
            Event = evt,
            Protocol = protocol,
            RequestId = requestId,
            Timestamp = timestamp,
            Result = result,
            Volatile = volatileData,
        };
    }

    private static string? Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <inheritdoc />
    public override string ToString() => $"{Type} {Action} {Index}/{Collection} on {Room}";
}

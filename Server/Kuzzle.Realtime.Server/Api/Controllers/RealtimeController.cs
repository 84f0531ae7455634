using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Requests;
using Kuzzle.Realtime.Protocol.Responses;
using Kuzzle.Realtime.Server.Network.Buffers;
using Kuzzle.Realtime.Server.Network.WebSockets;
using Kuzzle.Realtime.Server.Realtime;
using Kuzzle.Realtime.Server.Security;

namespace Kuzzle.Realtime.Server.Api.Controllers;

/// <summary>
/// The <c>realtime</c> controller (realtime.md §2): pub/sub with Koncorde filters, no storage. Errors:
/// <c>api.assert.missing_argument</c>, <c>api.assert.body_required</c>, <c>api.assert.koncorde_dsl_error</c>,
/// <c>core.realtime.invalid_scope</c>, <c>core.realtime.invalid_users</c>, <c>core.realtime.too_many_rooms</c>,
/// <c>core.realtime.room_not_found</c>, <c>core.realtime.not_subscribed</c>.
/// </summary>
public sealed class RealtimeController(HotelClerk clerk, Notifier notifier, IRightsPolicy rights, TimeProvider time) : IApiController
{
    /// <inheritdoc />
    public string Name => "realtime";

    /// <inheritdoc />
    public void Register(ControllerTableBuilder table)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.Add(Name, "count", Count)
            .Add(Name, "join", Join)
            .Add(Name, "list", ListAsync)
            .Add(Name, "publish", Publish)
            .Add(Name, "subscribe", Subscribe)
            .Add(Name, "unsubscribe", Unsubscribe)
            .Add(Name, "validate", Validate);
    }

    private ValueTask<ApiResult?> Subscribe(RequestContext context, CancellationToken cancellationToken)
    {
        var input = context.Input;
        var index = RequiredName(input, "index");
        var collection = RequiredName(input, "collection");
        var filter = input.HasBody ? input.GetBodyObject() : throw KuzzleErrors.Api.Assert.BodyRequired.Create();
        var request = BuildSubscribeRequest(context);
        var (roomId, channel) = clerk.Subscribe(index, collection, filter, request);
        return RoomAndChannel(roomId, channel);
    }

    private ValueTask<ApiResult?> Join(RequestContext context, CancellationToken cancellationToken)
    {
        var roomId = context.Input.GetBodyString("roomId");
        var (id, channel) = clerk.Join(roomId, BuildSubscribeRequest(context));
        return RoomAndChannel(id, channel);
    }

    private ValueTask<ApiResult?> Unsubscribe(RequestContext context, CancellationToken cancellationToken)
    {
        var roomId = context.Input.GetBodyString("roomId");
        clerk.Unsubscribe(context.Connection.Id, roomId);
        return Result(new JsonObject { ["roomId"] = roomId });
    }

    private ValueTask<ApiResult?> Count(RequestContext context, CancellationToken cancellationToken)
    {
        var roomId = context.Input.GetBodyString("roomId");
        return Result(new JsonObject { ["count"] = clerk.Count(roomId) });
    }

    private async ValueTask<ApiResult?> ListAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var result = new JsonObject();
        foreach (var group in clerk.List().GroupBy(r => r.Index, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var collections = new JsonObject();
            foreach (var byCollection in group.GroupBy(r => r.Collection, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                if (!await rights.IsAllowedAsync(context.User, "realtime", "subscribe", group.Key, byCollection.Key, cancellationToken))
                {
                    continue;
                }

                var rooms = new JsonObject();
                foreach (var room in byCollection)
                {
                    rooms[room.RoomId] = room.Count;
                }

                collections[byCollection.Key] = rooms;
            }

            result[group.Key] = collections;
        }

        return ApiResult.From(result);
    }

    private ValueTask<ApiResult?> Publish(RequestContext context, CancellationToken cancellationToken)
    {
        var input = context.Input;
        var index = RequiredName(input, "index");
        var collection = RequiredName(input, "collection");
        var body = input.GetBodyObject();
        var documentId = input.GetStringOrDefault("_id");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();

        // _source = the message plus _kuzzle_info {author, createdAt}, which overwrites any client value.
        var frame = JsonFrameBuilder.Build(
            (Body: body, Author: context.User.Kuid, Now: now),
            static (w, s) =>
            {
                w.WriteStartObject();
                foreach (var p in s.Body.EnumerateObject())
                {
                    if (!p.NameEquals("_kuzzle_info"))
                    {
                        p.WriteTo(w);
                    }
                }

                w.WriteStartObject("_kuzzle_info"u8);
                w.WriteString("author"u8, s.Author);
                w.WriteNumber("createdAt"u8, s.Now);
                w.WriteEndObject();
                w.WriteEndObject();
            });
        try
        {
            // Matched on the text (equality-only indexes need no parse); parsed only for notifying.
            var rooms = clerk.Match(index, collection, frame.Memory, documentId);
            if (rooms.Count > 0)
            {
                using var source = JsonDocument.Parse(frame.Memory);
                var origin = new NotificationOrigin(
                    context.RequestId, now, input.Volatile, index, collection, "realtime", context.Connection.Protocol);
                notifier.NotifyDocument(rooms, NotificationScope.In, "publish", "publish", source.RootElement, documentId, origin);
            }
        }
        finally
        {
            frame.Release();
        }

        return ValueTask.FromResult<ApiResult?>(PublishedResult.Instance);
    }

    private static ValueTask<ApiResult?> Validate(RequestContext context, CancellationToken cancellationToken)
    {
        RequiredName(context.Input, "index");
        RequiredName(context.Input, "collection");
        context.Input.GetBodyObject();

        // No collection carries validation specifications on this server, so every document is valid.
        return Result(new JsonObject { ["errorMessages"] = new JsonObject(), ["valid"] = true });
    }

    private SubscribeRequest BuildSubscribeRequest(RequestContext context)
    {
        var input = context.Input;
        var scope = ParseScope(input, "scope", NotificationScope.All, KuzzleErrors.Core.Realtime.InvalidScope);
        var users = ParseScope(input, "users", NotificationScope.None, KuzzleErrors.Core.Realtime.InvalidUsers);
        return new SubscribeRequest(
            context.Connection.Id,
            context.Connection is WebSocketConnection && context.Connection.IsAlive,
            scope,
            users,
            input.Volatile,
            context.Connection.Protocol,
            time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    private static NotificationScope ParseScope(RequestInput input, string name, NotificationScope defaultValue, ErrorDefinition error)
    {
        if (!input.TryGetArg(name, out var v))
        {
            return defaultValue;
        }

        return v.ValueKind == JsonValueKind.String
            ? v.GetString() switch
            {
                "all" => NotificationScope.All,
                "in" => NotificationScope.In,
                "out" => NotificationScope.Out,
                "none" => NotificationScope.None,
                _ => throw error.Create(),
            }
            : throw error.Create();
    }

    private static string RequiredName(RequestInput input, string name)
    {
        var value = input.GetString(name);
        return value.Length > 0 ? value : throw KuzzleErrors.Api.Assert.MissingArgument.Create(name);
    }

    private static ValueTask<ApiResult?> Result(JsonNode node) => ValueTask.FromResult<ApiResult?>(ApiResult.From(node));

    private static ValueTask<ApiResult?> RoomAndChannel(string roomId, string channel) =>
        Result(new JsonObject { ["roomId"] = roomId, ["channel"] = channel });

    private sealed class PublishedResult : ApiResult
    {
        public static readonly PublishedResult Instance = new();

        public override void WriteTo(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteBoolean("published"u8, true);
            writer.WriteEndObject();
        }
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Requests;
using Kuzzle.Realtime.Protocol.Responses;
using Kuzzle.Realtime.Server.Cluster;
using Kuzzle.Realtime.Server.Network.Buffers;
using Kuzzle.Realtime.Server.Network.WebSockets;
using Kuzzle.Realtime.Server.Realtime;
using Kuzzle.Realtime.Server.Security;

namespace Kuzzle.Realtime.Server.Api.Controllers;

/// <summary>
/// The <c>realtime</c> controller (realtime.md §2): pub/sub with Koncorde filters, no storage. Errors:
/// <c>api.assert.missing_argument</c>, <c>api.assert.body_required</c>, <c>api.assert.koncorde_dsl_error</c>,
/// <c>core.realtime.invalid_scope</c>, <c>core.realtime.invalid_users</c>, <c>core.realtime.too_many_rooms</c>,
/// <c>core.realtime.room_not_found</c>, <c>core.realtime.not_subscribed</c>; with several nodes, <c>services.cache.not_connected</c>
/// when <c>count</c>, <c>list</c> or a cross-node <c>join</c> needs Redis and it is away.
/// </summary>
public sealed class RealtimeController(HotelClerk clerk, Notifier notifier, IRightsPolicy rights, TimeProvider time, TokenLinks links, IRealtimeCluster? cluster = null) : IApiController
{
    private readonly IRealtimeCluster _cluster = cluster ?? SingleNodeRealtime.Instance;

    /// <inheritdoc />
    public string Name => "realtime";

    /// <inheritdoc />
    public void Register(ControllerTableBuilder table)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.Add(Name, "count", CountAsync)
            .Add(Name, "join", JoinAsync)
            .Add(Name, "list", ListAsync)
            .Add(Name, "publish", Publish)
            .Add(Name, "subscribe", SubscribeAsync)
            .Add(Name, "unsubscribe", Unsubscribe)
            .Add(Name, "validate", Validate);
    }

    private async ValueTask<ApiResult?> SubscribeAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var input = context.Input;
        var index = RequiredName(input, "index");
        var collection = RequiredName(input, "collection");
        var filter = input.HasBody ? input.GetBodyObject() : throw KuzzleErrors.Api.Assert.BodyRequired.Create();
        var request = BuildSubscribeRequest(context);

        // Before acknowledging: once the client has its room id, publishes from any node must reach it.
        await _cluster.WatchCollectionAsync(index, collection, cancellationToken);
        var (roomId, channel) = clerk.Subscribe(index, collection, filter, request);
        links.RecordSubscription(context.Connection, context.User.Token, roomId);
        return await RoomAndChannel(roomId, channel);
    }

    private async ValueTask<ApiResult?> JoinAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var roomId = context.Input.GetBodyString("roomId");
        var request = BuildSubscribeRequest(context);
        if (clerk.TryGetRoom(roomId, out var local))
        {
            await EnsureRoomAllowedAsync(context, local.Index, local.Collection, cancellationToken);
        }
        else if (_cluster.IsEnabled && await _cluster.FindRoomAsync(roomId, cancellationToken) is { } remote)
        {
            await EnsureRoomAllowedAsync(context, remote.Index, remote.Collection, cancellationToken);
            await _cluster.WatchCollectionAsync(remote.Index, remote.Collection, cancellationToken);
            var (joined, joinedChannel) = clerk.JoinRemote(remote, request);
            links.RecordSubscription(context.Connection, context.User.Token, joined);
            return await RoomAndChannel(joined, joinedChannel);
        }

        var (id, channel) = clerk.Join(roomId, request);
        links.RecordSubscription(context.Connection, context.User.Token, id);
        return await RoomAndChannel(id, channel);
    }

    private ValueTask<ApiResult?> Unsubscribe(RequestContext context, CancellationToken cancellationToken)
    {
        var roomId = context.Input.GetBodyString("roomId");
        clerk.Unsubscribe(context.Connection.Id, roomId);
        return Result(new JsonObject { ["roomId"] = roomId });
    }

    private async ValueTask<ApiResult?> CountAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var roomId = context.Input.GetBodyString("roomId");
        if (clerk.TryGetRoom(roomId, out var local))
        {
            await EnsureRoomAllowedAsync(context, local.Index, local.Collection, cancellationToken);
        }
        else if (_cluster.IsEnabled && await _cluster.FindRoomAsync(roomId, cancellationToken) is { } found)
        {
            await EnsureRoomAllowedAsync(context, found.Index, found.Collection, cancellationToken);
        }

        var remote = _cluster.IsEnabled ? await _cluster.RemoteCountAsync(roomId, cancellationToken) : 0;
        return ApiResult.From(new JsonObject { ["count"] = clerk.Count(roomId) + remote });
    }

    private async ValueTask<ApiResult?> ListAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var result = new JsonObject();
        IEnumerable<(string Index, string Collection, string RoomId, int Count)> all = clerk.List();
        if (_cluster.IsEnabled)
        {
            var remote = await _cluster.RemoteRoomsAsync(cancellationToken);
            all = all.Concat(remote.Select(r => (r.Index, r.Collection, r.RoomId, r.Count)))
                .GroupBy(r => (r.Index, r.Collection, r.RoomId))
                .Select(g => (g.Key.Index, g.Key.Collection, g.Key.RoomId, g.Sum(r => r.Count)));
        }

        foreach (var group in all.GroupBy(r => r.Index, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
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
        var documentId = input.GetIdOrDefault();
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

            if (_cluster.IsEnabled)
            {
                _cluster.PublishDocument(
                    index, collection, frame.Memory, documentId,
                    new NotificationOrigin(context.RequestId, now, input.Volatile, index, collection, "realtime", context.Connection.Protocol));
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

    /// <summary>
    /// <c>join</c> and <c>count</c> carry no index, and room ids can be computed offline: the action's right is checked against the
    /// room's own index and collection, with the answer a <c>subscribe</c> there would get (realtime.md §2 "Our choice").
    /// </summary>
    private async ValueTask EnsureRoomAllowedAsync(RequestContext context, string index, string collection, CancellationToken cancellationToken)
    {
        var input = context.Input;
        if (!await rights.IsAllowedAsync(context.User, input.Controller!, input.Action!, index, collection, cancellationToken))
        {
            throw context.User.IsAnonymous
                ? KuzzleErrors.Security.Rights.Unauthorized.Create(input.Controller!, input.Action!, context.User.Kuid)
                : KuzzleErrors.Security.Rights.Forbidden.Create(input.Controller!, input.Action!, context.User.Kuid);
        }
    }

    private SubscribeRequest BuildSubscribeRequest(RequestContext context)
    {
        var input = context.Input;
        var scope = ParseScope(input, "scope", NotificationScope.All, KuzzleErrors.Core.Realtime.InvalidScope);
        var users = ParseScope(input, "users", NotificationScope.None, KuzzleErrors.Core.Realtime.InvalidUsers);
        return new SubscribeRequest(
            context.Connection.Id,
            context.Connection.IsPersistent && context.Connection.IsAlive,
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

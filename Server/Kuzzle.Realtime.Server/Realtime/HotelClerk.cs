using System.Collections.Immutable;
using System.Text.Json;
using Kuzzle.Realtime.Koncorde;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Server.Cluster;
using Kuzzle.Realtime.Server.Configuration;
using Kuzzle.Realtime.Server.Diagnostics;
using Kuzzle.Realtime.Server.Network.WebSockets;

namespace Kuzzle.Realtime.Server.Realtime;

/// <summary>A subscription request, after argument checks.</summary>
/// <param name="ConnectionId">Subscriber.</param>
/// <param name="Notifiable">False for connections that cannot receive notifications (HTTP): nothing is registered.</param>
/// <param name="Scope">Document scope.</param>
/// <param name="Users">User notification scope.</param>
/// <param name="Volatile">Subscriber's volatile (cloned by the clerk).</param>
/// <param name="Protocol">Subscriber's protocol.</param>
/// <param name="Timestamp">Request timestamp.</param>
public readonly record struct SubscribeRequest(
    string ConnectionId, bool Notifiable, NotificationScope Scope, NotificationScope Users, JsonElement Volatile, string Protocol, long Timestamp);

/// <summary>
/// Rooms, channels and subscriptions of this node (Kuzzle's HotelClerk). Membership changes take one lock; publishing reads immutable
/// snapshots and never waits for it.
/// </summary>
public sealed class HotelClerk : IRealtimeStatistics
{
    private readonly KoncordeEngine _koncorde;
    private readonly Notifier _notifier;
    private readonly IRealtimeCluster _cluster;
    private readonly TimeProvider _time;
    private readonly int _maxRooms;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _roomsByConnection = new(StringComparer.Ordinal);
    private int _subscriptions;

    /// <summary>Creates the clerk and drops a connection's subscriptions when it goes away.</summary>
    public HotelClerk(KoncordeEngine koncorde, Notifier notifier, ConnectionRegistry connections, EffectiveSettings settings, TimeProvider time, IRealtimeCluster? cluster = null)
    {
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(settings);
        _koncorde = koncorde;
        _notifier = notifier;
        _cluster = cluster ?? SingleNodeRealtime.Instance;
        _time = time;
        _maxRooms = settings.Options.Limits.SubscriptionRooms;
        connections.Disconnected += c => RemoveConnection(c.Id);
    }

    /// <inheritdoc />
    public int Rooms
    {
        get
        {
            lock (_lock)
            {
                return _rooms.Count;
            }
        }
    }

    /// <inheritdoc />
    public int Subscriptions => Volatile.Read(ref _subscriptions);

    /// <summary>Subscribes with a filter; returns the room id and channel name.</summary>
    /// <exception cref="KuzzleException"><c>api.assert.koncorde_dsl_error</c>, <c>core.realtime.too_many_rooms</c>.</exception>
    public (string RoomId, string Channel) Subscribe(string index, string collection, JsonElement filter, in SubscribeRequest request) =>
        Subscribe(index, collection, filter, request, expectedRoomId: null);

    /// <summary>
    /// Joins a room another node has, creating it here from its filter (same filter, same id on every node).
    /// </summary>
    /// <exception cref="KuzzleException"><c>core.realtime.room_not_found</c> when the filter does not give that room id.</exception>
    public (string RoomId, string Channel) JoinRemote(RemoteRoom remote, in SubscribeRequest request)
    {
        ArgumentNullException.ThrowIfNull(remote);
        using var filter = JsonDocument.Parse(remote.Filter);
        return Subscribe(remote.Index, remote.Collection, filter.RootElement, request, expectedRoomId: remote.RoomId);
    }

    private (string RoomId, string Channel) Subscribe(string index, string collection, JsonElement filter, in SubscribeRequest request, string? expectedRoomId)
    {
        NormalizedFilter normalized;
        try
        {
            normalized = _koncorde.Normalize(index + "/" + collection, filter);
        }
        catch (KoncordeException ex)
        {
            throw KuzzleErrors.Api.Assert.KoncordeDslError.Create(ex.Message);
        }

        if (expectedRoomId is not null && normalized.Id != expectedRoomId)
        {
            throw KuzzleErrors.Core.Realtime.RoomNotFound.Create(expectedRoomId);
        }

        var channelName = new Channel(normalized.Id, request.Scope, request.Users, propagate: true).Name;
        if (!request.Notifiable)
        {
            return (normalized.Id, channelName);
        }

        lock (_lock)
        {
            if (!_rooms.TryGetValue(normalized.Id, out var room))
            {
                if (_maxRooms > 0 && _rooms.Count >= _maxRooms)
                {
                    throw KuzzleErrors.Core.Realtime.TooManyRooms.Create();
                }

                room = new Room(normalized.Id, index, collection, _cluster.IsEnabled ? filter.GetRawText() : "{}");
                _koncorde.Store(normalized);
                _rooms[room.Id] = room;
            }

            return Enter(room, request, includeIndex: expectedRoomId is null, action: expectedRoomId is null ? "subscribe" : "join");
        }
    }

    /// <summary>Joins an existing room by id.</summary>
    /// <exception cref="KuzzleException"><c>core.realtime.room_not_found</c>.</exception>
    public (string RoomId, string Channel) Join(string roomId, in SubscribeRequest request)
    {
        lock (_lock)
        {
            if (!_rooms.TryGetValue(roomId, out var room))
            {
                throw KuzzleErrors.Core.Realtime.RoomNotFound.Create(roomId);
            }

            if (!request.Notifiable)
            {
                return (roomId, new Channel(roomId, request.Scope, request.Users, propagate: true).Name);
            }

            return Enter(room, request, includeIndex: false, action: "join");
        }
    }

    /// <summary>Leaves a room.</summary>
    /// <exception cref="KuzzleException"><c>core.realtime.not_subscribed</c>.</exception>
    public void Unsubscribe(string connectionId, string roomId)
    {
        lock (_lock)
        {
            if (!_rooms.TryGetValue(roomId, out var room) || !room.Subscriptions.ContainsKey(connectionId))
            {
                throw KuzzleErrors.Core.Realtime.NotSubscribed.Create(connectionId, roomId);
            }

            Leave(room, connectionId);
        }
    }

    /// <summary>Removes every subscription of a connection (disconnect, token expiry or revocation).</summary>
    public void RemoveConnection(string connectionId)
    {
        lock (_lock)
        {
            if (!_roomsByConnection.TryGetValue(connectionId, out var roomIds))
            {
                return;
            }

            foreach (var roomId in roomIds.ToArray())
            {
                if (_rooms.TryGetValue(roomId, out var room))
                {
                    Leave(room, connectionId);
                }
            }
        }
    }

    /// <summary>Subscribers of a room; 0 for an unknown room.</summary>
    public int Count(string roomId)
    {
        lock (_lock)
        {
            return _rooms.TryGetValue(roomId, out var room) ? room.Subscriptions.Count : 0;
        }
    }

    /// <summary>Rooms grouped by index and collection with their subscriber counts.</summary>
    public IReadOnlyList<(string Index, string Collection, string RoomId, int Count)> List()
    {
        lock (_lock)
        {
            return _rooms.Values.Select(r => (r.Index, r.Collection, r.Id, r.Subscriptions.Count)).ToList();
        }
    }

    /// <summary>This node's room of that id, if any.</summary>
    public bool TryGetRoom(string roomId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Room? room)
    {
        lock (_lock)
        {
            return _rooms.TryGetValue(roomId, out room);
        }
    }

    /// <summary>Every room of this node with its subscriber count (cluster resynchronisation).</summary>
    public IReadOnlyList<(Room Room, int Count)> RoomStates()
    {
        lock (_lock)
        {
            return _rooms.Values.Select(r => (r, r.Subscriptions.Count)).ToList();
        }
    }

    /// <summary>Rooms whose filter matches a document, given as its UTF-8 JSON text (valid JSON).</summary>
    public List<Room> Match(string index, string collection, ReadOnlyMemory<byte> document, string? documentId)
    {
        var ids = _koncorde.Test(index + "/" + collection, document, documentId);
        var rooms = new List<Room>(ids.Count);
        lock (_lock)
        {
            foreach (var id in ids)
            {
                if (_rooms.TryGetValue(id, out var room))
                {
                    rooms.Add(room);
                }
            }
        }

        return rooms;
    }

    // WARNING: callers hold _lock.
    private (string RoomId, string Channel) Enter(Room room, in SubscribeRequest request, bool includeIndex, string action)
    {
        var entered = false;
        if (!room.Subscriptions.TryGetValue(request.ConnectionId, out var subscription))
        {
            var volatileCopy = request.Volatile.ValueKind == JsonValueKind.Object ? request.Volatile.Clone() : default;
            subscription = new Subscription(request.ConnectionId, volatileCopy);
            room.Subscriptions[request.ConnectionId] = subscription;
            if (!_roomsByConnection.TryGetValue(request.ConnectionId, out var set))
            {
                _roomsByConnection[request.ConnectionId] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(room.Id);
            Interlocked.Increment(ref _subscriptions);
            entered = true;
        }

        var probe = new Channel(room.Id, request.Scope, request.Users, propagate: true);
        var channelExisted = room.Channels.TryGetValue(probe.Name, out var channel);
        if (!channelExisted)
        {
            channel = probe;
            room.Channels[channel.Name] = channel;
            room.ChannelList = [.. room.Channels.Values];
        }

        if (!channel!.Connections.Contains(request.ConnectionId))
        {
            channel.Connections = channel.Connections.Add(request.ConnectionId);
        }

        if (entered && _cluster.IsEnabled)
        {
            // Sent by the cluster once it knows the count over every node.
            _cluster.RoomChanged(room, room.Subscriptions.Count, new UserChange(
                NotificationScope.In, action, subscription.Volatile, includeIndex, request.Protocol, request.Timestamp,
                channelExisted ? null : request.ConnectionId));
        }
        else if (entered)
        {
            // Kuzzle's timing: the first member of a new channel does not hear its own arrival; a newcomer to an existing channel does.
            _notifier.NotifyUser(
                room, NotificationScope.In, action, room.Subscriptions.Count, subscription.Volatile, includeIndex,
                request.Protocol, request.Timestamp, except: channelExisted ? null : request.ConnectionId);
        }

        return (room.Id, channel.Name);
    }

    // WARNING: callers hold _lock.
    private void Leave(Room room, string connectionId)
    {
        if (!room.Subscriptions.Remove(connectionId, out var subscription))
        {
            return;
        }

        Interlocked.Decrement(ref _subscriptions);
        if (_roomsByConnection.TryGetValue(connectionId, out var set))
        {
            set.Remove(room.Id);
            if (set.Count == 0)
            {
                _roomsByConnection.Remove(connectionId);
            }
        }

        foreach (var channel in room.Channels.Values)
        {
            channel.Connections = channel.Connections.Remove(connectionId);
        }

        var emptyChannels = room.Channels.Values.Where(c => c.Connections.IsEmpty).Select(c => c.Name).ToList();
        foreach (var name in emptyChannels)
        {
            room.Channels.Remove(name);
        }

        room.ChannelList = [.. room.Channels.Values];
        if (room.Subscriptions.Count == 0)
        {
            _rooms.Remove(room.Id);
            _koncorde.Remove(room.Id);
        }

        if (_cluster.IsEnabled)
        {
            // Also when the room is gone here: subscribers of the same room on other nodes hear this departure.
            _cluster.RoomChanged(room, room.Subscriptions.Count, new UserChange(
                NotificationScope.Out, "unsubscribe", subscription.Volatile, IncludeIndex: true, Protocol: null,
                _time.GetUtcNow().ToUnixTimeMilliseconds(), Except: null));
            return;
        }

        if (room.Subscriptions.Count == 0)
        {
            return;
        }

        _notifier.NotifyUser(
            room, NotificationScope.Out, "unsubscribe", room.Subscriptions.Count, subscription.Volatile, includeIndex: true,
            protocol: null, _time.GetUtcNow().ToUnixTimeMilliseconds());
    }
}

using System.Text.Json;
using Kuzzle.Realtime.Server.Realtime;

namespace Kuzzle.Realtime.Server.Cluster;

/// <summary>A user notification to send once the room's cluster-wide count is known.</summary>
/// <param name="Direction">In or out.</param>
/// <param name="Action">subscribe, join or unsubscribe.</param>
/// <param name="Volatile">The entering or leaving subscriber's volatile.</param>
/// <param name="IncludeIndex">False for a join-triggered <c>in</c>.</param>
/// <param name="Protocol">Subscriber's protocol for <c>in</c>, null for <c>out</c>.</param>
/// <param name="Timestamp">Notification timestamp.</param>
/// <param name="Except">Local connection that must not receive it (Kuzzle's first-member quirk), or null.</param>
public sealed record UserChange(
    NotificationScope Direction, string Action, JsonElement Volatile, bool IncludeIndex, string? Protocol, long Timestamp, string? Except);

/// <summary>A room as another node advertises it.</summary>
/// <param name="Index">Index.</param>
/// <param name="Collection">Collection.</param>
/// <param name="RoomId">Room id (identical on every node: derived from the filter).</param>
/// <param name="Count">Subscribers on that node.</param>
/// <param name="Filter">The filter's JSON text, to create the room here on <c>join</c>.</param>
public sealed record RemoteRoom(string Index, string Collection, string RoomId, int Count, string Filter);

/// <summary>
/// What the realtime layer needs from other nodes. The single-node implementation does nothing; the Redis one shares room counts,
/// fans publishes out to the nodes listening on the collection and forwards user notifications.
/// </summary>
public interface IRealtimeCluster
{
    /// <summary>True when other nodes may exist (Redis configured).</summary>
    bool IsEnabled { get; }

    /// <summary>
    /// Makes sure this node hears cross-node traffic of the collection before a subscription on it is acknowledged. Never throws for
    /// a Redis outage: the subscription is then established when Redis returns.
    /// </summary>
    ValueTask WatchCollectionAsync(string index, string collection, CancellationToken cancellationToken);

    /// <summary>
    /// Reports a room's new local subscriber count (0 = room gone) and the user notification it causes, to deliver locally and on
    /// the other nodes with the cluster-wide count. Called under the clerk's lock: must not block.
    /// </summary>
    void RoomChanged(Room room, int localCount, UserChange? notification);

    /// <summary>Sends a publish to the other nodes listening on its collection (local subscribers are served by the caller).</summary>
    void PublishDocument(string index, string collection, ReadOnlyMemory<byte> source, string? documentId, in NotificationOrigin origin);

    /// <summary>Subscribers of a room on the other live nodes. Throws <c>services.cache.not_connected</c> when Redis is away.</summary>
    ValueTask<int> RemoteCountAsync(string roomId, CancellationToken cancellationToken);

    /// <summary>Rooms of the other live nodes. Throws <c>services.cache.not_connected</c> when Redis is away.</summary>
    ValueTask<IReadOnlyList<RemoteRoom>> RemoteRoomsAsync(CancellationToken cancellationToken);

    /// <summary>A room another live node has, or null. Throws <c>services.cache.not_connected</c> when Redis is away.</summary>
    ValueTask<RemoteRoom?> FindRoomAsync(string roomId, CancellationToken cancellationToken);
}

/// <summary>One node alone: nothing to share.</summary>
public sealed class SingleNodeRealtime : IRealtimeCluster
{
    /// <summary>The instance.</summary>
    public static readonly SingleNodeRealtime Instance = new();

    /// <inheritdoc />
    public bool IsEnabled => false;

    /// <inheritdoc />
    public ValueTask WatchCollectionAsync(string index, string collection, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public void RoomChanged(Room room, int localCount, UserChange? notification)
    {
    }

    /// <inheritdoc />
    public void PublishDocument(string index, string collection, ReadOnlyMemory<byte> source, string? documentId, in NotificationOrigin origin)
    {
    }

    /// <inheritdoc />
    public ValueTask<int> RemoteCountAsync(string roomId, CancellationToken cancellationToken) => ValueTask.FromResult(0);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<RemoteRoom>> RemoteRoomsAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<RemoteRoom>>([]);

    /// <inheritdoc />
    public ValueTask<RemoteRoom?> FindRoomAsync(string roomId, CancellationToken cancellationToken) => ValueTask.FromResult<RemoteRoom?>(null);
}

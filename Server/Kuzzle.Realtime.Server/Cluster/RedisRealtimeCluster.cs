using System.Text;
using Kuzzle.Realtime.Server.Realtime;
using Kuzzle.Realtime.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Kuzzle.Realtime.Server.Cluster;

/// <summary>
/// Realtime across the nodes sharing one Redis: local subscribers are served by the caller without Redis; this class sends
/// publishes and user notifications to the other nodes (<see cref="ClusterBus"/>), keeps this node's room counts and membership in
/// Redis (<see cref="ClusterState"/>) and delivers what other nodes send.
/// </summary>
public sealed partial class RedisRealtimeCluster : IRealtimeCluster, IHostedService, IAsyncDisposable
{
    private readonly string _nodeId;
    private readonly byte[] _nodeIdUtf8;
    private readonly Func<HotelClerk> _clerk;
    private readonly Notifier _notifier;
    private readonly ClusterOptions _options;
    private readonly ILogger _logger;
    private readonly ClusterBus _bus;
    private readonly ClusterState _state;
    private readonly ClusterInbox _inbox;
    private readonly CancellationTokenSource _stop = new();
    private Task _loops = Task.CompletedTask;
    private int _disposed;

    /// <summary>Creates the cluster link; <paramref name="clerk"/> is resolved lazily (the clerk depends on this class).</summary>
    public RedisRealtimeCluster(
        RedisStorage redis, string nodeId, ClusterOptions options, ClusterMetrics metrics, Func<HotelClerk> clerk, Notifier notifier,
        TimeProvider time, ILogger<RedisRealtimeCluster> logger)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _nodeId = nodeId;
        _nodeIdUtf8 = Encoding.UTF8.GetBytes(nodeId);
        _clerk = clerk;
        _notifier = notifier;
        _options = options;
        _logger = logger;
        Metrics = metrics;
        _inbox = new ClusterInbox(options, Dispatch);
        _bus = new ClusterBus(redis.ChangeFeed, redis.Connection, options, metrics, payload => _inbox.PostAsync(payload, _stop.Token), time, logger);
        _state = new ClusterState(redis.Connection, redis.KeyPrefix, nodeId, options, metrics, logger);
        Connection = redis.Connection;
    }

    /// <summary>Cross-node counters.</summary>
    public ClusterMetrics Metrics { get; }

    /// <summary>The Redis connection (readiness).</summary>
    public IConnectionMultiplexer Connection { get; }

    /// <inheritdoc />
    public bool IsEnabled => true;

    /// <inheritdoc />
    public async ValueTask WatchCollectionAsync(string index, string collection, CancellationToken cancellationToken)
    {
        if (!await _bus.WatchAsync(ClusterBus.ChannelOf(index, collection), cancellationToken))
        {
            LogWatchDeferred(_logger, index, collection);
        }
    }

    /// <inheritdoc />
    public void RoomChanged(Room room, int localCount, UserChange? notification)
    {
        if (!_state.TryQueue(new RoomChange(room, localCount, notification)) && notification is not null)
        {
            // Writer saturated: this node's subscribers still hear the change, with this node's count.
            Deliver(new RoomChange(room, localCount, notification), localCount, remote: false);
        }
    }

    /// <inheritdoc />
    public void PublishDocument(string index, string collection, ReadOnlyMemory<byte> source, string? documentId, in NotificationOrigin origin) =>
        _bus.Send(ClusterBus.ChannelOf(index, collection), ClusterMessages.Document(_nodeId, index, collection, source, documentId, origin));

    /// <inheritdoc />
    public ValueTask<int> RemoteCountAsync(string roomId, CancellationToken cancellationToken) => _state.RemoteCountAsync(roomId);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<RemoteRoom>> RemoteRoomsAsync(CancellationToken cancellationToken) => _state.RemoteRoomsAsync();

    /// <inheritdoc />
    public ValueTask<RemoteRoom?> FindRoomAsync(string roomId, CancellationToken cancellationToken) => _state.FindRoomAsync(roomId);

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _bus.Start();
        var stop = _stop.Token;
        _loops = Task.WhenAll(
            Task.Run(() => _state.WriteLoopAsync((change, total) => Deliver(change, total, remote: true), stop), CancellationToken.None),
            Task.Run(() => HeartbeatLoopAsync(stop), CancellationToken.None),
            Task.Run(() => _inbox.RunAsync(stop), CancellationToken.None));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        try
        {
            await _loops;
        }
        catch (OperationCanceledException)
        {
        }

        try
        {
            await _state.LeaveAsync();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Redis is away: our keys expire on their own after NodeTtl.
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Registered under three service types: the container disposes it once per registration.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _bus.DisposeAsync();
        _stop.Dispose();
    }

    private void Deliver(RoomChange change, int total, bool remote)
    {
        var n = change.Notification!;
        _notifier.NotifyUser(change.Room, n.Direction, n.Action, total, n.Volatile, n.IncludeIndex, n.Protocol, n.Timestamp, n.Except);
        if (remote)
        {
            _bus.Send(ClusterBus.ChannelOf(change.Room.Index, change.Room.Collection), ClusterMessages.User(_nodeId, change.Room, n, total));
        }
    }

    private bool Dispatch(byte[] payload, List<Network.WebSockets.WebSocketConnection> congested)
    {
        try
        {
            if (ClusterMessages.Dispatch(_nodeIdUtf8, payload, _clerk(), _notifier, congested))
            {
                Metrics.OnReceived();
                return true;
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            LogBadMessage(_logger, e);
        }

        return false;
    }

    private async Task HeartbeatLoopAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_options.HeartbeatInterval));
        do
        {
            try
            {
                var clerk = _clerk();
                await _state.HeartbeatAsync(clerk.RoomStates);
                var wanted = clerk.RoomStates().Select(r => ClusterBus.ChannelOf(r.Room.Index, r.Room.Collection)).ToHashSet(StringComparer.Ordinal);
                await _bus.ReconcileAsync(wanted, stop);
            }
            catch (Exception e) when (e is RedisException or TimeoutException or StorageUnavailableException)
            {
                // Redis is away: nothing to refresh; the keys are rewritten on the first heartbeat after it returns.
            }
        }
        while (await timer.WaitForNextTickAsync(stop));
    }

    [LoggerMessage(EventId = 7020, Level = LogLevel.Warning, Message = "Redis unavailable: cross-node notifications for {Index}/{Collection} will start when it returns")]
    private static partial void LogWatchDeferred(ILogger logger, string index, string collection);

    [LoggerMessage(EventId = 7021, Level = LogLevel.Warning, Message = "Ignored a malformed cross-node message")]
    private static partial void LogBadMessage(ILogger logger, Exception exception);
}

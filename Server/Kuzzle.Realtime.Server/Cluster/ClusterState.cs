using System.Globalization;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Server.Realtime;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Kuzzle.Realtime.Server.Cluster;

/// <summary>A room's new local count and the user notification it causes.</summary>
internal sealed record RoomChange(Room Room, int LocalCount, UserChange? Notification);

/// <summary>
/// Membership and room counts in Redis. Each node keeps <c>cluster:node:&lt;id&gt;</c> (a heartbeat key) and the hash
/// <c>cluster:rooms:&lt;id&gt;</c> (room id → count, index, collection, filter), both expiring <see cref="ClusterOptions.NodeTtl"/>
/// after the last heartbeat, so a dead node's subscribers disappear on their own. Readers count only nodes whose heartbeat key
/// exists, and remove the others from the member set.
/// </summary>
internal sealed partial class ClusterState
{
    private const int BatchSize = 256;
    private const char Separator = '\u001f';

    private readonly IConnectionMultiplexer _redis;
    private readonly string _prefix;
    private readonly string _nodeId;
    private readonly ClusterOptions _options;
    private readonly ClusterMetrics _metrics;
    private readonly ILogger _logger;
    private readonly System.Threading.Channels.Channel<RoomChange> _changes;
    private int _resync = 1;

    public ClusterState(IConnectionMultiplexer redis, string prefix, string nodeId, ClusterOptions options, ClusterMetrics metrics, ILogger logger)
    {
        _redis = redis;
        _prefix = prefix;
        _nodeId = nodeId;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _changes = System.Threading.Channels.Channel.CreateBounded<RoomChange>(new System.Threading.Channels.BoundedChannelOptions(options.StateQueueSize) { SingleReader = true });
        redis.ConnectionRestored += (_, _) => RequestResync();
    }

    private RedisKey Members => _prefix + "cluster:nodes";

    private TimeSpan Ttl => TimeSpan.FromMilliseconds(_options.NodeTtl);

    /// <summary>Queues a change for the writer; false when the queue is full (the caller then delivers locally, and a resync follows).</summary>
    public bool TryQueue(RoomChange change)
    {
        if (_changes.Writer.TryWrite(change))
        {
            return true;
        }

        RequestResync();
        return false;
    }

    public void RequestResync() => Volatile.Write(ref _resync, 1);

    /// <summary>
    /// One heartbeat: refreshes this node's keys (rewriting its whole room hash when a resync is due) and drops dead members.
    /// Throws <see cref="RedisException"/>/<see cref="TimeoutException"/> when Redis is away.
    /// </summary>
    public async Task HeartbeatAsync(Func<IReadOnlyList<(Room Room, int Count)>> snapshot)
    {
        var db = _redis.GetDatabase();
        var rooms = RoomsKey(_nodeId);
        if (Interlocked.Exchange(ref _resync, 0) == 1)
        {
            try
            {
                var entries = snapshot().Select(r => new HashEntry(r.Room.Id, Encode(r.Room, r.Count))).ToArray();
                var tx = db.CreateTransaction();
                _ = tx.KeyDeleteAsync(rooms);
                if (entries.Length > 0)
                {
                    _ = tx.HashSetAsync(rooms, entries);
                    _ = tx.KeyExpireAsync(rooms, Ttl);
                }

                await tx.ExecuteAsync().WaitAsync(Ttl);
                _metrics.OnResync();
            }
            catch
            {
                RequestResync();
                throw;
            }
        }

        var alive = db.StringSetAsync(NodeKey(_nodeId), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Ttl);
        var member = db.SetAddAsync(Members, _nodeId);
        var expire = db.KeyExpireAsync(rooms, Ttl);
        await Task.WhenAll(alive, member, expire).WaitAsync(Ttl);
        await LiveOthersAsync(db);
    }

    /// <summary>Writes queued room changes and delivers their user notifications with the cluster-wide count, until stopped.</summary>
    public async Task WriteLoopAsync(Action<RoomChange, int> deliver, CancellationToken stop)
    {
        var batch = new List<RoomChange>(BatchSize);
        while (await _changes.Reader.WaitToReadAsync(stop))
        {
            batch.Clear();
            while (batch.Count < BatchSize && _changes.Reader.TryRead(out var change))
            {
                batch.Add(change);
            }

            var remote = await TryWriteAsync(batch);
            foreach (var change in batch.Where(c => c.Notification is not null))
            {
                var others = remote is not null && remote.TryGetValue(change.Room.Id, out var n) ? n : 0;
                deliver(change, change.LocalCount + others);
            }
        }
    }

    /// <summary>Subscribers of a room on the other live nodes.</summary>
    public async ValueTask<int> RemoteCountAsync(string roomId)
    {
        var counts = await GuardAsync(() => RemoteCountsAsync([roomId]));
        return counts.TryGetValue(roomId, out var n) ? n : 0;
    }

    /// <summary>Rooms of the other live nodes.</summary>
    public ValueTask<IReadOnlyList<RemoteRoom>> RemoteRoomsAsync() => GuardAsync<IReadOnlyList<RemoteRoom>>(async () =>
    {
        var db = _redis.GetDatabase();
        var others = await LiveOthersAsync(db);
        var all = await Task.WhenAll(others.Select(n => db.HashGetAllAsync(RoomsKey(n)))).WaitAsync(Ttl);
        return [.. all.SelectMany(entries => entries).Select(e => Decode(e.Name!, e.Value!)).OfType<RemoteRoom>()];
    });

    /// <summary>A room another live node has.</summary>
    public ValueTask<RemoteRoom?> FindRoomAsync(string roomId) => GuardAsync(async () =>
    {
        var db = _redis.GetDatabase();
        var others = await LiveOthersAsync(db);
        var values = await Task.WhenAll(others.Select(n => db.HashGetAsync(RoomsKey(n), roomId))).WaitAsync(Ttl);
        return values.Where(v => v.HasValue).Select(v => Decode(roomId, v!)).FirstOrDefault();
    });

    /// <summary>Removes this node from Redis (clean shutdown): its subscribers stop counting at once.</summary>
    public async Task LeaveAsync()
    {
        var db = _redis.GetDatabase();
        await Task.WhenAll(db.KeyDeleteAsync([NodeKey(_nodeId), RoomsKey(_nodeId)]), db.SetRemoveAsync(Members, _nodeId)).WaitAsync(Ttl);
    }

    private async Task<Dictionary<string, int>?> TryWriteAsync(List<RoomChange> batch)
    {
        try
        {
            var db = _redis.GetDatabase();
            var rooms = RoomsKey(_nodeId);
            var writes = new List<Task>(batch.Count + 1);
            foreach (var change in batch)
            {
                writes.Add(change.LocalCount > 0
                    ? db.HashSetAsync(rooms, change.Room.Id, Encode(change.Room, change.LocalCount))
                    : db.HashDeleteAsync(rooms, change.Room.Id));
            }

            // WARNING: a hash created by HSET has no TTL; without this a node dying before its next heartbeat would leave counts forever.
            writes.Add(db.KeyExpireAsync(rooms, Ttl));
            await Task.WhenAll(writes).WaitAsync(Ttl);
            var notified = batch.Where(c => c.Notification is not null).Select(c => c.Room.Id).Distinct(StringComparer.Ordinal).ToList();
            return notified.Count == 0 ? null : await RemoteCountsAsync(notified);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Counts in user notifications fall back to this node's; the next heartbeat after recovery rewrites the hash.
            RequestResync();
            return null;
        }
    }

    private async Task<Dictionary<string, int>> RemoteCountsAsync(List<string> roomIds)
    {
        var db = _redis.GetDatabase();
        var others = await LiveOthersAsync(db);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        if (others.Count == 0)
        {
            return result;
        }

        var keys = roomIds.Select(id => (RedisValue)id).ToArray();
        var values = await Task.WhenAll(others.Select(n => db.HashGetAsync(RoomsKey(n), keys))).WaitAsync(Ttl);
        foreach (var perNode in values)
        {
            for (var i = 0; i < keys.Length; i++)
            {
                if (perNode[i].HasValue && Decode(roomIds[i], perNode[i]!) is { } room)
                {
                    result[room.RoomId] = result.GetValueOrDefault(room.RoomId) + room.Count;
                }
            }
        }

        return result;
    }

    /// <summary>Other members whose heartbeat key exists; removes the dead ones from the member set.</summary>
    private async Task<List<string>> LiveOthersAsync(IDatabase db)
    {
        var members = (await db.SetMembersAsync(Members).WaitAsync(Ttl)).Select(m => m.ToString()).Where(m => m != _nodeId).ToList();
        var alive = await Task.WhenAll(members.Select(m => db.KeyExistsAsync(NodeKey(m)))).WaitAsync(Ttl);
        var live = new List<string>(members.Count);
        for (var i = 0; i < members.Count; i++)
        {
            if (alive[i])
            {
                live.Add(members[i]);
            }
            else
            {
                LogNodeGone(_logger, members[i]);
                _ = db.SetRemoveAsync(Members, members[i], CommandFlags.FireAndForget);
            }
        }

        return live;
    }

    private static async ValueTask<T> GuardAsync<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw KuzzleErrors.Services.Cache.NotConnected.Create();
        }
    }

    private RedisKey NodeKey(string node) => _prefix + "cluster:node:" + node;

    private RedisKey RoomsKey(string node) => _prefix + "cluster:rooms:" + node;

    private static string Encode(Room room, int count) =>
        string.Join(Separator, count.ToString(CultureInfo.InvariantCulture), room.Index, room.Collection, room.Filter);

    private static RemoteRoom? Decode(string roomId, string value)
    {
        var parts = value.Split(Separator, 4);
        return parts.Length == 4 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? new RemoteRoom(parts[1], parts[2], roomId, count, parts[3])
            : null;
    }

    [LoggerMessage(EventId = 7010, Level = LogLevel.Information, Message = "Cluster node {Node} stopped sending heartbeats; forgetting it")]
    private static partial void LogNodeGone(ILogger logger, string node);
}

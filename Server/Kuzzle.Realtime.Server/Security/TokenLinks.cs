using System.Collections.Concurrent;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Responses;
using Kuzzle.Realtime.Server.Api;
using Kuzzle.Realtime.Server.Configuration;
using Kuzzle.Realtime.Server.Network;
using Kuzzle.Realtime.Server.Network.Buffers;
using Kuzzle.Realtime.Server.Network.WebSockets;
using Kuzzle.Realtime.Server.Realtime;
using Kuzzle.Realtime.Tokens;
using Microsoft.Extensions.Hosting;

namespace Kuzzle.Realtime.Server.Security;

/// <summary>
/// Which WebSocket connection last authenticated with which token (auth.md §6.4): one token per connection, anonymous never
/// linked, HTTP never linked. A linked connection is told when its token expires (<c>TokenExpired</c>, then its subscriptions are
/// dropped; the socket stays open), warned a configurable time before (<c>TokenExpiringSoon</c>, which the SDK ignores), and loses
/// its subscriptions silently when the token is revoked anywhere.
/// </summary>
public sealed class TokenLinks : BackgroundService
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(200);

    private readonly ConcurrentDictionary<string, LinkEntry> _byConnection = new(StringComparer.Ordinal);
    private readonly Dictionary<TokenHash, HashSet<string>> _byToken = [];
    private readonly PriorityQueue<Deadline, long> _deadlines = new();

    // A subscription belongs to the token that created it (realtime.md §2): per connection, the owner of each room it entered
    // with a token, and per token the connections holding such rooms. Guarded by _lock.
    private readonly Dictionary<string, Dictionary<string, TokenHash>> _roomOwners = new(StringComparer.Ordinal);
    private readonly Dictionary<TokenHash, HashSet<string>> _owningConnections = [];
    private readonly Lock _lock = new();
    private readonly ConnectionRegistry _connections;
    private readonly HotelClerk _hotel;
    private readonly TimeProvider _time;
    private readonly string _nodeId;
    private readonly long _noticeBefore;

    /// <summary>Creates the links and listens for disconnections and revocations.</summary>
    public TokenLinks(TokenService tokens, ConnectionRegistry connections, HotelClerk hotel, NodeIdentity node, EffectiveSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(settings);
        _connections = connections;
        _hotel = hotel;
        _time = time;
        _nodeId = node.Id;
        _noticeBefore = settings.Options.Security.TokenExpiryNotice;
        connections.Disconnected += c => Forget(c.Id);
        tokens.Revoked += OnRevoked;
    }

    /// <summary>
    /// Records that a request of this connection authenticated with this token, and returns the caller's identity (the same
    /// instance while the link holds, so steady traffic allocates nothing here).
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="token">The token it authenticated with.</param>
    /// <param name="takeOverSubscriptions">
    /// Login and refresh on the connection: the subscriptions the previous token of the same user created move to the new one
    /// (realtime.md §3, "links move to the new token").
    /// </param>
    public UserIdentity Link(IConnectionInfo connection, AuthToken token, bool takeOverSubscriptions = false)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(token);
        if (!connection.IsPersistent)
        {
            return new UserIdentity(token.Kuid, token);
        }

        if (_byConnection.TryGetValue(connection.Id, out var current) && current.Identity.Token!.Hash == token.Hash)
        {
            return current.Identity;
        }

        var identity = new UserIdentity(token.Kuid, token);
        lock (_lock)
        {
            if (!connection.IsAlive)
            {
                return identity;
            }

            if (takeOverSubscriptions && _byConnection.TryGetValue(connection.Id, out var previous) && previous.Identity.Token!.Kuid == token.Kuid)
            {
                TransferOwnership(connection.Id, previous.Identity.Token.Hash, token.Hash);
            }

            RemoveLink(connection.Id);
            _byConnection[connection.Id] = new LinkEntry(identity);
            if (!_byToken.TryGetValue(token.Hash, out var linked))
            {
                _byToken[token.Hash] = linked = new HashSet<string>(StringComparer.Ordinal);
            }

            linked.Add(connection.Id);
            if (!token.IsInfinite)
            {
                _deadlines.Enqueue(new Deadline(connection.Id, token.Hash, Warning: false), token.ExpiresAt);
                if (_noticeBefore > 0 && token.ExpiresAt - _noticeBefore > Now())
                {
                    _deadlines.Enqueue(new Deadline(connection.Id, token.Hash, Warning: true), token.ExpiresAt - _noticeBefore);
                }
            }
        }

        return identity;
    }

    /// <summary>The token a connection is linked to, if any.</summary>
    public AuthToken? LinkedToken(string connectionId) =>
        _byConnection.TryGetValue(connectionId, out var link) ? link.Identity.Token : null;

    /// <summary>
    /// Forgets a connection's link (logout unlinks before revoking, so the caller keeps its subscriptions, including those its
    /// token created: they are no longer tied to it).
    /// </summary>
    public void Unlink(string connectionId)
    {
        lock (_lock)
        {
            if (_byConnection.TryGetValue(connectionId, out var link))
            {
                TakeOwned(connectionId, link.Identity.Token!.Hash);
            }

            RemoveLink(connectionId);
        }
    }

    /// <summary>
    /// Records who created a subscription: the request's token (null: anonymous, owned by no token). WebSocket only, where
    /// subscriptions outlive the request.
    /// </summary>
    public void RecordSubscription(IConnectionInfo connection, AuthToken? token, string roomId)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.Protocol != "websocket")
        {
            return;
        }

        lock (_lock)
        {
            if (_roomOwners.TryGetValue(connection.Id, out var rooms) && rooms.Remove(roomId, out var former) && !rooms.ContainsValue(former))
            {
                RemoveOwningConnection(former, connection.Id);
            }

            if (token is null || !connection.IsAlive)
            {
                return;
            }

            if (rooms is null)
            {
                _roomOwners[connection.Id] = rooms = new Dictionary<string, TokenHash>(StringComparer.Ordinal);
            }

            rooms[roomId] = token.Hash;
            if (!_owningConnections.TryGetValue(token.Hash, out var owning))
            {
                _owningConnections[token.Hash] = owning = new HashSet<string>(StringComparer.Ordinal);
            }

            owning.Add(connection.Id);
        }
    }

    /// <summary>Runs the due expiry notices; public for tests, which drive it with a manual clock.</summary>
    public void ProcessDeadlines()
    {
        var now = Now();
        List<(string ConnectionId, bool Warning, long ExpiresAt)>? due = null;
        List<(string ConnectionId, string RoomId)>? expiredRooms = null;
        lock (_lock)
        {
            while (_deadlines.TryPeek(out var deadline, out var at) && at <= now)
            {
                _deadlines.Dequeue();

                // A deadline of a link that moved on (new token, logout, disconnect) sends nothing, but the subscriptions the
                // expired token created on that connection still go.
                if (_byConnection.TryGetValue(deadline.ConnectionId, out var link) && link.Identity.Token!.Hash == deadline.Hash)
                {
                    (due ??= []).Add((deadline.ConnectionId, deadline.Warning, link.Identity.ExpiresAt));
                    if (!deadline.Warning)
                    {
                        TakeOwned(deadline.ConnectionId, deadline.Hash);
                        RemoveLink(deadline.ConnectionId);
                    }
                }
                else if (!deadline.Warning)
                {
                    foreach (var roomId in TakeOwned(deadline.ConnectionId, deadline.Hash))
                    {
                        (expiredRooms ??= []).Add((deadline.ConnectionId, roomId));
                    }
                }
            }
        }

        if (expiredRooms is not null)
        {
            LeaveRooms(expiredRooms);
        }

        if (due is null)
        {
            return;
        }

        foreach (var (connectionId, warning, expiresAt) in due)
        {
            if (!warning)
            {
                _hotel.RemoveConnection(connectionId);
            }

            if (_connections.TryGet(connectionId, out var connection) && connection.IsAlive)
            {
                connection.Post(warning ? ExpiringSoonFrame(expiresAt) : ExpiredFrame());
            }
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TickInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                ProcessDeadlines();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void OnRevoked(TokenHash hash)
    {
        string[] affected = [];
        List<(string ConnectionId, string RoomId)>? owned = null;
        lock (_lock)
        {
            if (_byToken.TryGetValue(hash, out var linked))
            {
                affected = [.. linked];
                foreach (var connectionId in affected)
                {
                    RemoveLink(connectionId);
                }
            }

            // Connections that have moved to another token keep their other subscriptions, not the ones this token created.
            if (_owningConnections.TryGetValue(hash, out var owning))
            {
                foreach (var connectionId in owning.ToArray())
                {
                    foreach (var roomId in TakeOwned(connectionId, hash))
                    {
                        (owned ??= []).Add((connectionId, roomId));
                    }
                }
            }
        }

        foreach (var connectionId in affected)
        {
            _hotel.RemoveConnection(connectionId);
        }

        if (owned is not null)
        {
            LeaveRooms(owned);
        }
    }

    private void LeaveRooms(List<(string ConnectionId, string RoomId)> rooms)
    {
        foreach (var (connectionId, roomId) in rooms)
        {
            try
            {
                _hotel.Unsubscribe(connectionId, roomId);
            }
            catch (KuzzleException)
            {
                // Already left (unsubscribe, or every room dropped with the connection's own token).
            }
        }
    }

    private void Forget(string connectionId)
    {
        lock (_lock)
        {
            if (_roomOwners.Remove(connectionId, out var rooms))
            {
                foreach (var owner in rooms.Values.Distinct())
                {
                    RemoveOwningConnection(owner, connectionId);
                }
            }

            RemoveLink(connectionId);
        }
    }

    // Caller holds _lock. Removes and returns the rooms the token created on the connection.
    private List<string> TakeOwned(string connectionId, TokenHash hash)
    {
        var taken = new List<string>();
        if (!_roomOwners.TryGetValue(connectionId, out var rooms))
        {
            return taken;
        }

        foreach (var (roomId, owner) in rooms)
        {
            if (owner == hash)
            {
                taken.Add(roomId);
            }
        }

        foreach (var roomId in taken)
        {
            rooms.Remove(roomId);
        }

        if (rooms.Count == 0)
        {
            _roomOwners.Remove(connectionId);
        }

        RemoveOwningConnection(hash, connectionId);
        return taken;
    }

    // Caller holds _lock.
    private void TransferOwnership(string connectionId, TokenHash from, TokenHash to)
    {
        if (from == to || !_roomOwners.TryGetValue(connectionId, out var rooms))
        {
            return;
        }

        var moved = false;
        foreach (var roomId in rooms.Where(r => r.Value == from).Select(r => r.Key).ToList())
        {
            rooms[roomId] = to;
            moved = true;
        }

        if (moved)
        {
            RemoveOwningConnection(from, connectionId);
            if (!_owningConnections.TryGetValue(to, out var owning))
            {
                _owningConnections[to] = owning = new HashSet<string>(StringComparer.Ordinal);
            }

            owning.Add(connectionId);
        }
    }

    // Caller holds _lock.
    private void RemoveOwningConnection(TokenHash hash, string connectionId)
    {
        if (_owningConnections.TryGetValue(hash, out var owning) && owning.Remove(connectionId) && owning.Count == 0)
        {
            _owningConnections.Remove(hash);
        }
    }

    // Caller holds _lock.
    private void RemoveLink(string connectionId)
    {
        if (!_byConnection.TryRemove(connectionId, out var link))
        {
            return;
        }

        var hash = link.Identity.Token!.Hash;
        if (_byToken.TryGetValue(hash, out var linked) && linked.Remove(connectionId) && linked.Count == 0)
        {
            _byToken.Remove(hash);
        }
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private OutboundFrame ExpiredFrame() =>
        JsonFrameBuilder.Build(_nodeId, static (w, node) => ServerFrames.WriteTokenExpired(w, node));

    private OutboundFrame ExpiringSoonFrame(long expiresAt) =>
        JsonFrameBuilder.Build((Node: _nodeId, ExpiresAt: expiresAt), static (w, s) => ServerFrames.WriteTokenExpiringSoon(w, s.Node, s.ExpiresAt));

    private sealed record LinkEntry(UserIdentity Identity);

    private readonly record struct Deadline(string ConnectionId, TokenHash Hash, bool Warning);
}

using System.Collections.Concurrent;
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
        connections.Disconnected += c => Unlink(c.Id);
        tokens.Revoked += OnRevoked;
    }

    /// <summary>
    /// Records that a request of this connection authenticated with this token, and returns the caller's identity (the same
    /// instance while the link holds, so steady traffic allocates nothing here).
    /// </summary>
    public UserIdentity Link(IConnectionInfo connection, AuthToken token)
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

    /// <summary>Forgets a connection's link (logout unlinks before revoking, so the caller keeps its subscriptions).</summary>
    public void Unlink(string connectionId)
    {
        lock (_lock)
        {
            RemoveLink(connectionId);
        }
    }

    /// <summary>Runs the due expiry notices; public for tests, which drive it with a manual clock.</summary>
    public void ProcessDeadlines()
    {
        var now = Now();
        List<(string ConnectionId, bool Warning, long ExpiresAt)>? due = null;
        lock (_lock)
        {
            while (_deadlines.TryPeek(out var deadline, out var at) && at <= now)
            {
                _deadlines.Dequeue();

                // A deadline of a link that moved on (new token, logout, disconnect) is stale: skip it.
                if (_byConnection.TryGetValue(deadline.ConnectionId, out var link) && link.Identity.Token!.Hash == deadline.Hash)
                {
                    (due ??= []).Add((deadline.ConnectionId, deadline.Warning, link.Identity.ExpiresAt));
                    if (!deadline.Warning)
                    {
                        RemoveLink(deadline.ConnectionId);
                    }
                }
            }
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
        string[] affected;
        lock (_lock)
        {
            if (!_byToken.TryGetValue(hash, out var linked))
            {
                return;
            }

            affected = [.. linked];
            foreach (var connectionId in affected)
            {
                RemoveLink(connectionId);
            }
        }

        foreach (var connectionId in affected)
        {
            _hotel.RemoveConnection(connectionId);
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

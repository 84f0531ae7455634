using System.Collections.Concurrent;
using System.Net.WebSockets;
using Kuzzle.Realtime.Server.Configuration;
using Kuzzle.Realtime.Server.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace Kuzzle.Realtime.Server.Network.WebSockets;

/// <summary>
/// Live WebSocket connections: admission under <c>MaxConnections</c>, one timer that drops idle sockets (cheaper than a timer per
/// socket), and the close-all on shutdown. Other components hear about departures through <see cref="Disconnected"/>.
/// </summary>
public sealed class ConnectionRegistry : BackgroundService
{
    private readonly ConcurrentDictionary<string, WebSocketConnection> _connections = new(StringComparer.Ordinal);
    private readonly int _maxConnections;
    private readonly long _idleTimeoutMs;
    private readonly ApiMetrics _metrics;
    private int _count;

    /// <summary>Creates the registry.</summary>
    public ConnectionRegistry(EffectiveSettings settings, ApiMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _maxConnections = settings.Options.Server.WebSocket.MaxConnections;
        _idleTimeoutMs = (long)settings.IdleTimeout.TotalMilliseconds;
        _metrics = metrics;
    }

    /// <summary>Raised after a connection is gone (subscriptions and token links are dropped by listeners).</summary>
    public event Action<WebSocketConnection>? Disconnected;

    /// <summary>Live connections.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Reserves a place; false when the limit is reached.</summary>
    public bool TryReserve()
    {
        if (Interlocked.Increment(ref _count) > _maxConnections)
        {
            Interlocked.Decrement(ref _count);
            _metrics.CountRejectedConnection();
            return false;
        }

        return true;
    }

    /// <summary>Gives back a reservation that never became a connection.</summary>
    public void ReleaseReservation() => Interlocked.Decrement(ref _count);

    /// <summary>Adds an accepted connection (its place was reserved).</summary>
    public void Add(WebSocketConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connections[connection.Id] = connection;
        _metrics.For("websocket").Connected();
    }

    /// <summary>Removes a closed connection and tells listeners.</summary>
    public void Remove(WebSocketConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (_connections.TryRemove(connection.Id, out _))
        {
            Interlocked.Decrement(ref _count);
            _metrics.For("websocket").Disconnected();
            Disconnected?.Invoke(connection);
        }
    }

    /// <summary>Finds a connection by id.</summary>
    public bool TryGet(string id, out WebSocketConnection connection) => _connections.TryGetValue(id, out connection!);

    /// <summary>Closes every connection with 1001 (going away).</summary>
    public async Task CloseAllAsync()
    {
        var closing = _connections.Values.Select(c => c.CloseAsync(CloseReason.Shutdown, WebSocketCloseStatus.EndpointUnavailable, "Server shutting down"));
        await Task.WhenAll(closing);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // One sweep a second: Kuzzle's idle timeout has a granularity of seconds too.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var c in _connections.Values)
                {
                    if (c.IdleMilliseconds > _idleTimeoutMs)
                    {
                        _ = c.CloseAsync(CloseReason.Idle, WebSocketCloseStatus.PolicyViolation, "Idle timeout");
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}

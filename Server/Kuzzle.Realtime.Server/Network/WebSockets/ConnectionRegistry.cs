using System.Collections.Concurrent;
using System.Net.WebSockets;
using Kuzzle.Realtime.Server.Configuration;
using Kuzzle.Realtime.Server.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace Kuzzle.Realtime.Server.Network.WebSockets;

/// <summary>
/// Live WebSocket connections: admission under <c>MaxConnections</c>, one timer that drops idle sockets and closes stalled ones
/// (cheaper than a timer per socket), the node-wide send queue cap (largest queues closed first), and the close-all on shutdown. Other components hear about departures through <see cref="Disconnected"/>.
/// </summary>
public sealed class ConnectionRegistry : BackgroundService
{
    private readonly ConcurrentDictionary<string, WebSocketConnection> _connections = new(StringComparer.Ordinal);
    private readonly int _maxConnections;
    private readonly long _idleTimeoutMs;
    private readonly long _stallTimeoutMs;
    private readonly ApiMetrics _metrics;
    private int _count;

    /// <summary>Creates the registry.</summary>
    public ConnectionRegistry(EffectiveSettings settings, ApiMetrics metrics, SendQueueBudget sendQueues)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(sendQueues);
        _maxConnections = settings.Options.Server.WebSocket.MaxConnections;
        _idleTimeoutMs = (long)settings.IdleTimeout.TotalMilliseconds;
        _stallTimeoutMs = settings.Options.Server.WebSocket.SendStallTimeout;
        _metrics = metrics;
        sendQueues.Exceeded += CloseLargestQueues;
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

    // The node-wide cap is reached: the sockets holding the most unsent bytes are closed (1011) until the total is back under it.
    private void CloseLargestQueues(SendQueueBudget budget)
    {
        var excess = budget.Queued - budget.Limit;
        if (excess <= 0)
        {
            return;
        }

        foreach (var c in _connections.Values.Where(c => c.QueuedBytes > 0).OrderByDescending(c => c.QueuedBytes))
        {
            excess -= c.QueuedBytes;
            c.CloseAsTooSlow("node-wide send queues over " + budget.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture) + " bytes");
            if (excess <= 0)
            {
                return;
            }
        }
    }

    /// <summary>Closes every connection with 1001 (going away).</summary>
    public async Task CloseAllAsync()
    {
        var closing = _connections.Values.Select(c => c.CloseAsync(CloseReason.Shutdown, WebSocketCloseStatus.EndpointUnavailable, "Server shutting down"));
        await Task.WhenAll(closing);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // One sweep a second (Kuzzle's idle timeout has a granularity of seconds too), more often for a short stall timeout.
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(_stallTimeoutMs / 4, 50, 1000)));
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
                    else if (c.StalledMilliseconds > _stallTimeoutMs)
                    {
                        c.CloseAsTooSlow("nothing sent for " + _stallTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ms");
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

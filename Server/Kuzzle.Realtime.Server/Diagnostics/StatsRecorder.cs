using System.Text.Json.Nodes;
using Kuzzle.Realtime.Server.Configuration;
using Microsoft.Extensions.Hosting;

namespace Kuzzle.Realtime.Server.Diagnostics;

/// <summary>
/// Snapshots the counters every <c>stats.statsInterval</c> seconds and keeps frames for <c>stats.ttl</c> seconds
/// (<c>server:getStats</c>, <c>getLastStats</c>, <c>getAllStats</c>). Request counts in a frame are those of its interval.
/// </summary>
public sealed class StatsRecorder : BackgroundService
{
    private readonly ApiMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _ttl;
    private readonly LinkedList<JsonObject> _frames = new();
    private readonly Lock _lock = new();
    private Dictionary<string, (long Completed, long Failed)> _previous = new(StringComparer.Ordinal);

    /// <summary>Creates the recorder.</summary>
    public StatsRecorder(ApiMetrics metrics, TimeProvider time, EffectiveSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _metrics = metrics;
        _time = time;
        Enabled = settings.Options.Stats.Enabled;
        _interval = TimeSpan.FromSeconds(settings.Options.Stats.StatsInterval);
        _ttl = TimeSpan.FromSeconds(settings.Options.Stats.Ttl);
    }

    /// <summary>False when statistics are disabled in configuration.</summary>
    public bool Enabled { get; }

    /// <summary>Frames between two instants (epoch ms), oldest first; the live frame when none was recorded yet.</summary>
    public IReadOnlyList<JsonObject> Range(long? startTime, long? stopTime)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (startTime >= now)
        {
            return [];
        }

        lock (_lock)
        {
            if (_frames.Count == 0)
            {
                return [Snapshot(advance: false)];
            }

            return _frames
                .Where(f => (startTime is null || (long)f["timestamp"]! >= startTime) && (stopTime is null || (long)f["timestamp"]! <= stopTime))
                .Select(f => (JsonObject)f.DeepClone())
                .ToList();
        }
    }

    /// <summary>The newest frame (the live one before the first snapshot).</summary>
    public JsonObject Last()
    {
        lock (_lock)
        {
            return _frames.Last is { } last ? (JsonObject)last.Value.DeepClone() : Snapshot(advance: false);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                lock (_lock)
                {
                    _frames.AddLast(Snapshot(advance: true));
                    var oldest = _time.GetUtcNow().ToUnixTimeMilliseconds() - (long)_ttl.TotalMilliseconds;
                    while (_frames.First is { } first && (long)first.Value["timestamp"]! < oldest)
                    {
                        _frames.RemoveFirst();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private JsonObject Snapshot(bool advance)
    {
        var completed = new JsonObject();
        var failed = new JsonObject();
        var connections = new JsonObject();
        var ongoing = new JsonObject();
        var current = new Dictionary<string, (long Completed, long Failed)>(StringComparer.Ordinal);
        foreach (var p in _metrics.Protocols)
        {
            var before = _previous.GetValueOrDefault(p.Name);
            current[p.Name] = (p.Completed, p.Failed);
            completed[p.Name] = p.Completed - before.Completed;
            failed[p.Name] = p.Failed - before.Failed;
            connections[p.Name] = p.Connections;
            ongoing[p.Name] = p.Ongoing;
        }

        if (advance)
        {
            _previous = current;
        }

        return new JsonObject
        {
            ["completedRequests"] = completed,
            ["connections"] = connections,
            ["failedRequests"] = failed,
            ["ongoingRequests"] = ongoing,
            ["timestamp"] = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
    }
}

using System.Collections.Concurrent;

namespace Kuzzle.Realtime.Storage.Embedded;

/// <summary>
/// <see cref="ICounterStore"/> for the single-node embedded store, kept in memory: a throttling hit must not cost a disk flush
/// (a flood of failed logins would otherwise queue every other write behind fsyncs). Counters restart empty with the process.
/// </summary>
internal sealed class InMemoryCounterStore(TimeProvider time) : ICounterStore
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public Task<long> IncrementAsync(string key, TimeSpan window, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateId(key, nameof(key));
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromMilliseconds(1));
        cancellationToken.ThrowIfCancellationRequested();
        var now = Now();
        var endsAt = now + (long)Math.Ceiling(window.TotalMilliseconds);
        while (true)
        {
            var current = _windows.GetOrAdd(key, static (_, end) => new Window(end), endsAt);
            lock (current)
            {
                // WARNING: a removed window may still be referenced by a racing caller; counting into it would lose the hit.
                if (current.Removed)
                {
                    continue;
                }

                // A window is fixed at its first hit: only the first hit after it ends opens the next one.
                if (current.EndsAt <= now)
                {
                    current.EndsAt = endsAt;
                    current.Count = 0;
                }

                return Task.FromResult(++current.Count);
            }
        }
    }

    public Task<long> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateId(key, nameof(key));
        cancellationToken.ThrowIfCancellationRequested();
        if (!_windows.TryGetValue(key, out var current))
        {
            return Task.FromResult(0L);
        }

        lock (current)
        {
            return Task.FromResult(current.Removed || current.EndsAt <= Now() ? 0L : current.Count);
        }
    }

    public Task ResetAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateId(key, nameof(key));
        cancellationToken.ThrowIfCancellationRequested();
        if (_windows.TryRemove(key, out var removed))
        {
            lock (removed)
            {
                removed.Removed = true;
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Forgets closed windows, so memory follows the number of open windows.</summary>
    public int PurgeExpired()
    {
        var now = Now();
        var purged = 0;
        foreach (var (key, current) in _windows)
        {
            lock (current)
            {
                if (current.Removed || current.EndsAt > now)
                {
                    continue;
                }

                current.Removed = true;
            }

            if (_windows.TryRemove(new KeyValuePair<string, Window>(key, current)))
            {
                purged++;
            }
        }

        return purged;
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private sealed class Window(long endsAt)
    {
        public long EndsAt { get; set; } = endsAt;

        public long Count { get; set; }

        public bool Removed { get; set; }
    }
}

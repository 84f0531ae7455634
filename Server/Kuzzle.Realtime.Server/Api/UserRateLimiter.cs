using System.Collections.Concurrent;

namespace Kuzzle.Realtime.Server.Api;

/// <summary>
/// Per-user request counter over fixed 1-second windows (Kuzzle's profile <c>rateLimit</c>): every connection of a user shares one
/// counter, anonymous callers share the counter of <c>-1</c>.
/// </summary>
public sealed class UserRateLimiter
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates a limiter.</summary>
    public UserRateLimiter(TimeProvider time) => _time = time;

    /// <summary>Counts one request; false when the user is over <paramref name="limitPerSecond"/> (0 = unlimited).</summary>
    public bool TryAcquire(string userId, int limitPerSecond)
    {
        if (limitPerSecond <= 0)
        {
            return true;
        }

        var second = _time.GetUtcNow().ToUnixTimeMilliseconds() / 1000;
        var window = _windows.GetOrAdd(userId, static _ => new Window());
        lock (window)
        {
            if (window.Second != second)
            {
                window.Second = second;
                window.Count = 0;
            }

            window.Count++;
            return window.Count <= limitPerSecond;
        }
    }

    /// <summary>Drops windows older than the current second, so idle users cost nothing.</summary>
    public void Sweep()
    {
        var second = _time.GetUtcNow().ToUnixTimeMilliseconds() / 1000;
        foreach (var (key, window) in _windows)
        {
            if (window.Second < second)
            {
                _windows.TryRemove(new KeyValuePair<string, Window>(key, window));
            }
        }
    }

    private sealed class Window
    {
        public long Second;
        public int Count;
    }
}

using StackExchange.Redis;

namespace Kuzzle.Realtime.Storage.Redis;

/// <summary><see cref="ICounterStore"/> on Redis: INCR and the window's PEXPIRE in one script.</summary>
internal sealed class RedisCounterStore(IDatabase database, RedisKeys keys, RedisExecutor executor) : ICounterStore
{
    // KEYS[1]: counter. ARGV[1]: window ms.
    // WARNING: the TTL is set only by the hit that opens the window (or repairs a key left without TTL), so later hits never
    // extend it: the window is fixed at its first hit.
    private const string IncrementScript = """
        local count = redis.call('INCR', KEYS[1])
        if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return count
        """;

    public Task<long> IncrementAsync(string key, TimeSpan window, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateId(key, nameof(key));
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromMilliseconds(1));
        var windowMilliseconds = (long)Math.Ceiling(window.TotalMilliseconds);
        return executor.RunAsync(
            async () => (long)await database.ScriptEvaluateAsync(IncrementScript, [keys.Counter(key)], [windowMilliseconds]),
            cancellationToken);
    }

    public Task<long> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateId(key, nameof(key));
        return executor.RunAsync(
            async () =>
            {
                var value = await database.StringGetAsync(keys.Counter(key));
                return value.IsNull ? 0 : (long)value;
            },
            cancellationToken);
    }

    public Task ResetAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateId(key, nameof(key));
        return executor.RunAsync(() => database.KeyDeleteAsync(keys.Counter(key)), cancellationToken);
    }
}

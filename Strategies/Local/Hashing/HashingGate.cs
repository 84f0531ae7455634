namespace Kuzzle.Realtime.Strategies.Local.Hashing;

/// <summary>
/// Bounds how many password hashes run at once. Each argon2id hash holds m KiB (19 MiB by default) and a core for tens
/// of milliseconds: without a bound, a burst of logins could exhaust memory and starve every other request.
/// Waiting is asynchronous: a queued login holds no thread.
/// </summary>
public sealed class HashingGate : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private int _inFlight;
    private int _peak;

    /// <summary>Creates a gate letting <paramref name="maxConcurrency"/> hashes run at once (default: the core count).</summary>
    public HashingGate(int? maxConcurrency = null)
    {
        var slots = maxConcurrency ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1, nameof(maxConcurrency));
        MaxConcurrency = slots;
        _slots = new SemaphoreSlim(slots, slots);
    }

    /// <summary>The number of hashes allowed at once.</summary>
    public int MaxConcurrency { get; }

    /// <summary>Hashes running now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The most hashes seen running at once since creation (for tests and diagnostics).</summary>
    public int PeakInFlight => Volatile.Read(ref _peak);

    /// <summary>Waits for a slot, then runs <paramref name="work"/> synchronously on the calling thread.</summary>
    public async ValueTask<TResult> RunAsync<TState, TResult>(TState state, Func<TState, TResult> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await _slots.WaitAsync(cancellationToken);
        try
        {
            var now = Interlocked.Increment(ref _inFlight);
            var peak = Volatile.Read(ref _peak);
            while (now > peak && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
            {
                peak = Volatile.Read(ref _peak);
            }

            return work(state);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _slots.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();
}

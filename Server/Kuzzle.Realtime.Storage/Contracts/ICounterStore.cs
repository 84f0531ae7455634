namespace Kuzzle.Realtime.Storage;

/// <summary>Fixed-window counters (login throttling): a window opens at the first hit and is not extended by later hits.</summary>
public interface ICounterStore
{
    /// <summary>Counts one hit and returns the count within the current window (1 for the hit that opens a window).</summary>
    Task<long> IncrementAsync(string key, TimeSpan window, CancellationToken cancellationToken = default);

    /// <summary>The count within the current window; 0 when no window is open.</summary>
    Task<long> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Closes the current window (e.g. after a successful login).</summary>
    Task ResetAsync(string key, CancellationToken cancellationToken = default);
}

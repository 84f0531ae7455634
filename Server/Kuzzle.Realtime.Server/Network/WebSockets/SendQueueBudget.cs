namespace Kuzzle.Realtime.Server.Network.WebSockets;

/// <summary>
/// The bytes queued for sending on every socket of the node together, against <c>Kuzzle:Limits:SendQueueTotalBytes</c>. When the total
/// goes over the limit, <see cref="Exceeded"/> runs once on the thread pool (the registry then closes the largest queues first).
/// </summary>
public sealed class SendQueueBudget
{
    private long _queued;
    private int _trimming;

    /// <summary>Creates the budget; a limit of 0 or less means a quarter of the memory available to the process.</summary>
    public SendQueueBudget(long limitBytes) =>
        Limit = limitBytes > 0 ? limitBytes : Math.Max(64L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);

    /// <summary>Most bytes all send queues may hold together.</summary>
    public long Limit { get; }

    /// <summary>Bytes queued on every socket.</summary>
    public long Queued => Volatile.Read(ref _queued);

    /// <summary>Raised (on the thread pool, never twice at once) when <see cref="Queued"/> goes over <see cref="Limit"/>.</summary>
    public event Action<SendQueueBudget>? Exceeded;

    /// <summary>Counts bytes queued (positive) or sent or dropped (negative).</summary>
    public void Add(long bytes)
    {
        var queued = Interlocked.Add(ref _queued, bytes);
        if (bytes > 0 && queued > Limit && Exceeded is not null && Interlocked.CompareExchange(ref _trimming, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static b => b.RunExceeded(), this, preferLocal: false);
        }
    }

    private void RunExceeded()
    {
        try
        {
            Exceeded?.Invoke(this);
        }
        finally
        {
            Volatile.Write(ref _trimming, 0);
        }
    }
}

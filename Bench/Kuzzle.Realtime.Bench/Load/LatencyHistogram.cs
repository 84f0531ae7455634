namespace Kuzzle.Realtime.Bench.Load;

/// <summary>
/// Lock-free log-linear histogram of microsecond latencies (under 1 % bucket error), shared by all connections.
/// Fixed size so recording never allocates.
/// </summary>
public sealed class LatencyHistogram
{
    // Values below 128 µs get their own bucket; above, each power of two is split into 64 buckets.
    private const int LinearLimit = 128;
    private const int SubBuckets = 64;
    private const int MaxMsb = 40;

    private readonly long[] _counts = new long[LinearLimit + ((MaxMsb - 6) * SubBuckets)];

    public void Record(long micros)
    {
        Interlocked.Increment(ref _counts[Index(Math.Max(0, micros))]);
    }

    public long Count => _counts.Sum();

    /// <summary>Latency in microseconds at quantile q (0..1), or NaN when empty.</summary>
    public double Percentile(double q)
    {
        var counts = (long[])_counts.Clone();
        var total = counts.Sum();
        if (total == 0)
        {
            return double.NaN;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(q * total));
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return Midpoint(i);
            }
        }

        return Midpoint(counts.Length - 1);
    }

    public void Reset() => Array.Clear(_counts);

    private static int Index(long v)
    {
        if (v < LinearLimit)
        {
            return (int)v;
        }

        var msb = Math.Min(63 - long.LeadingZeroCount(v), MaxMsb);
        var shift = (int)msb - 6;
        var top = (int)Math.Min(v >> shift, (SubBuckets * 2) - 1); // 64..127
        return LinearLimit + (((int)msb - 7) * SubBuckets) + (top - SubBuckets);
    }

    private static double Midpoint(int index)
    {
        if (index < LinearLimit)
        {
            return index + 0.5;
        }

        var rel = index - LinearLimit;
        var shift = (rel / SubBuckets) + 1;
        var top = (rel % SubBuckets) + SubBuckets;
        return ((top << shift) + ((top + 1L) << shift)) / 2.0;
    }
}

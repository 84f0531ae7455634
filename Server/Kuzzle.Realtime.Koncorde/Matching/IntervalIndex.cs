namespace Kuzzle.Realtime.Koncorde.Matching;

/// <summary>
/// Stabbing queries over closed intervals: a sorted array with an implicit augmented tree (subtree max of upper
/// bounds), O(log n + k). Additions go to a small pending list and removals to tombstones until the owner
/// rebuilds, so writers stay O(1) and readers never see a half-built structure.
/// </summary>
internal sealed class IntervalIndex<T>
    where T : class
{
    private const int PendingLimit = 32;
    private Interval[] _sorted = [];
    private double[] _maxHigh = [];
    private readonly List<Interval> _pending = [];
    private readonly HashSet<T> _removed = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<T> _inSorted = new(ReferenceEqualityComparer.Instance);

    public int Count { get; private set; }

    public bool NeedsRebuild => _pending.Count > PendingLimit || _removed.Count > PendingLimit;

    public void Add(double low, double high, T item)
    {
        _pending.Add(new Interval(low, high, item));
        Count++;
    }

    /// <summary>Removes every interval of <paramref name="item"/>.</summary>
    public void Remove(T item)
    {
        Count -= _pending.RemoveAll(i => ReferenceEquals(i.Item, item));
        if (_inSorted.Contains(item) && _removed.Add(item))
        {
            foreach (var interval in _sorted)
            {
                if (ReferenceEquals(interval.Item, item))
                {
                    Count--;
                }
            }
        }
    }

    public void Rebuild()
    {
        var live = new List<Interval>(Count);
        foreach (var interval in _sorted)
        {
            if (!_removed.Contains(interval.Item))
            {
                live.Add(interval);
            }
        }

        live.AddRange(_pending);
        live.Sort(static (a, b) => a.Low.CompareTo(b.Low));
        _sorted = [.. live];
        _maxHigh = new double[_sorted.Length];
        BuildMax(0, _sorted.Length);
        _pending.Clear();
        _removed.Clear();
        _inSorted.Clear();
        foreach (var interval in _sorted)
        {
            _inSorted.Add(interval.Item);
        }
    }

    /// <summary>Appends every item having an interval containing <paramref name="x"/> (bounds included).</summary>
    public void Query(double x, List<T> output)
    {
        var before = output.Count;
        Query(0, _sorted.Length, x, output);
        if (_removed.Count > 0)
        {
            for (var i = output.Count - 1; i >= before; i--)
            {
                if (_removed.Contains(output[i]))
                {
                    output.RemoveAt(i);
                }
            }
        }

        foreach (var interval in _pending)
        {
            if (interval.Low <= x && x <= interval.High)
            {
                output.Add(interval.Item);
            }
        }
    }

    private double BuildMax(int lo, int hi)
    {
        if (lo >= hi)
        {
            return double.NegativeInfinity;
        }

        var mid = (lo + hi) >>> 1;
        var max = Math.Max(_sorted[mid].High, Math.Max(BuildMax(lo, mid), BuildMax(mid + 1, hi)));
        _maxHigh[mid] = max;
        return max;
    }

    private void Query(int lo, int hi, double x, List<T> output)
    {
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_maxHigh[mid] < x)
            {
                return;
            }

            Query(lo, mid, x, output);
            ref readonly var interval = ref _sorted[mid];
            if (interval.Low > x)
            {
                return;
            }

            if (interval.High >= x)
            {
                output.Add(interval.Item);
            }

            lo = mid + 1;
        }
    }

    private readonly record struct Interval(double Low, double High, T Item);
}

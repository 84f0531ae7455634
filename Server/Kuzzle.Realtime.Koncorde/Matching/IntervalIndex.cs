namespace Kuzzle.Realtime.Koncorde.Matching;

/// <summary>
/// Stabbing queries over closed intervals. Finite intervals are grouped by width class (power of two) and
/// sorted by lower bound: a query binary-searches each class and scans back only over lower bounds within that
/// class's width, so it costs O(classes · log n + hits). Half-lines live in two sorted arrays whose matching
/// part is a prefix or a suffix. Additions wait in a small pending list and removals are tombstoned until
/// the owner rebuilds, so writers stay cheap and readers never see a half-built structure.
/// </summary>
internal sealed class IntervalIndex<T>
    where T : class
{
    private const int PendingLimit = 32;
    private WidthClass[] _classes = [];
    private Interval[] _fromLow = [];   // [low, +inf), sorted by low
    private Interval[] _toHigh = [];    // (-inf, high], sorted by high
    private Interval[] _everywhere = [];
    private readonly List<Interval> _pending = [];
    private readonly HashSet<T> _removed = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<T, int> _built = new(ReferenceEqualityComparer.Instance);

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
        if (_built.TryGetValue(item, out var intervals) && _removed.Add(item))
        {
            Count -= intervals;
        }
    }

    public void Rebuild()
    {
        var live = AllBuilt().Where(i => !_removed.Contains(i.Item)).Concat(_pending).ToList();
        _pending.Clear();
        _removed.Clear();
        _built.Clear();
        foreach (var interval in live)
        {
            _built[interval.Item] = _built.GetValueOrDefault(interval.Item) + 1;
        }

        _everywhere = [.. live.Where(i => double.IsNegativeInfinity(i.Low) && double.IsPositiveInfinity(i.High))];
        _fromLow = [.. live.Where(i => !double.IsNegativeInfinity(i.Low) && double.IsPositiveInfinity(i.High)).OrderBy(i => i.Low)];
        _toHigh = [.. live.Where(i => double.IsNegativeInfinity(i.Low) && !double.IsPositiveInfinity(i.High)).OrderBy(i => i.High)];
        _classes = [.. live.Where(i => double.IsFinite(i.Low) && double.IsFinite(i.High))
            .GroupBy(i => WidthClassOf(i.High - i.Low))
            .Select(g =>
            {
                var sorted = g.OrderBy(i => i.Low).ToArray();
                return new WidthClass(sorted.Max(i => i.High - i.Low), sorted, sorted.Select(i => i.Low).ToArray());
            })];
    }

    /// <summary>Calls the visitor for every item having an interval containing <paramref name="x"/> (bounds included).</summary>
    public void Query<TVisitor>(double x, ref TVisitor visitor)
        where TVisitor : struct, IItemVisitor<T>
    {
        var filterRemoved = _removed.Count > 0;
        foreach (var interval in _everywhere)
        {
            Visit(interval.Item, filterRemoved, ref visitor);
        }

        for (var i = 0; i < _fromLow.Length && _fromLow[i].Low <= x; i++)
        {
            Visit(_fromLow[i].Item, filterRemoved, ref visitor);
        }

        for (var i = _toHigh.Length - 1; i >= 0 && _toHigh[i].High >= x; i--)
        {
            Visit(_toHigh[i].Item, filterRemoved, ref visitor);
        }

        foreach (var widthClass in _classes)
        {
            var lows = widthClass.Lows;
            var floor = x - widthClass.MaxWidth;
            var items = widthClass.Intervals;
            for (var i = UpperBound(lows, x) - 1; i >= 0 && lows[i] >= floor; i--)
            {
                if (items[i].High >= x)
                {
                    Visit(items[i].Item, filterRemoved, ref visitor);
                }
            }
        }

        foreach (var interval in _pending)
        {
            if (interval.Low <= x && x <= interval.High)
            {
                visitor.Visit(interval.Item);
            }
        }
    }

    private void Visit<TVisitor>(T item, bool filterRemoved, ref TVisitor visitor)
        where TVisitor : struct, IItemVisitor<T>
    {
        if (!filterRemoved || !_removed.Contains(item))
        {
            visitor.Visit(item);
        }
    }

    /// <summary>Index of the first element greater than x.</summary>
    private static int UpperBound(double[] values, double x)
    {
        int lo = 0, hi = values.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (values[mid] <= x)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static int WidthClassOf(double width) => width <= 0 ? int.MinValue : Math.ILogB(width);

    private IEnumerable<Interval> AllBuilt() =>
        _everywhere.Concat(_fromLow).Concat(_toHigh).Concat(_classes.SelectMany(c => c.Intervals));

    private readonly record struct Interval(double Low, double High, T Item);

    private sealed record WidthClass(double MaxWidth, Interval[] Intervals, double[] Lows);
}

/// <summary>Receives query results without an intermediate list (a struct, so calls are inlined).</summary>
internal interface IItemVisitor<in T>
{
    void Visit(T item);
}

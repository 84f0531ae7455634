namespace Kuzzle.Realtime.Koncorde.Geo;

/// <summary>
/// Point queries over shape envelopes: a uniform grid of 2°×2° cells, each listing the shapes whose envelope
/// overlaps it, so a query reads one cell. Shapes spanning too many cells sit in a short list checked
/// directly. Updates are incremental; callers hold the engine's lock.
/// </summary>
internal sealed class SpatialIndex<T>
    where T : class
{
    private const double CellDegrees = 2;
    private const int Columns = 180;
    private const int Rows = 90;
    private const int MaxCellsPerShape = 256;
    private readonly Dictionary<int, List<Entry>> _cells = [];
    private readonly List<Entry> _oversized = [];
    private readonly Dictionary<T, Envelope> _envelopes = new(ReferenceEqualityComparer.Instance);

    public int Count => _envelopes.Count;

    public void Add(Envelope envelope, T item)
    {
        if (!_envelopes.TryAdd(item, envelope))
        {
            return;
        }

        var entry = new Entry(envelope, item);
        if (!TryCells(envelope, out var c0, out var c1, out var r0, out var r1))
        {
            _oversized.Add(entry);
            return;
        }

        for (var r = r0; r <= r1; r++)
        {
            for (var c = c0; c <= c1; c++)
            {
                var key = (r * Columns) + c;
                if (!_cells.TryGetValue(key, out var list))
                {
                    list = [];
                    _cells.Add(key, list);
                }

                list.Add(entry);
            }
        }
    }

    public void Remove(T item)
    {
        if (!_envelopes.Remove(item, out var envelope))
        {
            return;
        }

        if (!TryCells(envelope, out var c0, out var c1, out var r0, out var r1))
        {
            _oversized.RemoveAll(e => ReferenceEquals(e.Item, item));
            return;
        }

        for (var r = r0; r <= r1; r++)
        {
            for (var c = c0; c <= c1; c++)
            {
                var key = (r * Columns) + c;
                var list = _cells[key];
                list.RemoveAll(e => ReferenceEquals(e.Item, item));
                if (list.Count == 0)
                {
                    _cells.Remove(key);
                }
            }
        }
    }

    /// <summary>Appends the items whose envelope covers the point (bounds included).</summary>
    public void Query(double lat, double lon, List<T> output)
    {
        if (double.IsNaN(lat) || double.IsNaN(lon))
        {
            return;
        }

        if (_cells.TryGetValue((Row(lat) * Columns) + Column(lon), out var list))
        {
            foreach (var entry in list)
            {
                if (entry.Envelope.Covers(lat, lon))
                {
                    output.Add(entry.Item);
                }
            }
        }

        foreach (var entry in _oversized)
        {
            if (entry.Envelope.Covers(lat, lon))
            {
                output.Add(entry.Item);
            }
        }
    }

    // Cells outside the grid are clamped to its border: a shape reaching past the border is registered there,
    // and so is a point, so every covering shape is still found.
    private static bool TryCells(Envelope envelope, out int c0, out int c1, out int r0, out int r1)
    {
        c0 = Column(envelope.MinLon);
        c1 = Column(envelope.MaxLon);
        r0 = Row(envelope.MinLat);
        r1 = Row(envelope.MaxLat);
        return !(double.IsNaN(envelope.MinLon) || double.IsNaN(envelope.MaxLon) || double.IsNaN(envelope.MinLat) || double.IsNaN(envelope.MaxLat))
            && (long)(c1 - c0 + 1) * (r1 - r0 + 1) <= MaxCellsPerShape;
    }

    private static int Column(double lon) => (int)Math.Clamp(Math.Floor((lon + 180) / CellDegrees), 0, Columns - 1);

    private static int Row(double lat) => (int)Math.Clamp(Math.Floor((lat + 90) / CellDegrees), 0, Rows - 1);

    private readonly record struct Entry(Envelope Envelope, T Item);
}

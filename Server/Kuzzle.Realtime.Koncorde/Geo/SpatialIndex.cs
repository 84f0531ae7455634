namespace Kuzzle.Realtime.Koncorde.Geo;

/// <summary>
/// Point queries over shape envelopes: a packed R-tree (sort-tile-recursive, 16 entries a node), with pending
/// additions and tombstoned removals until the owner rebuilds it.
/// </summary>
internal sealed class SpatialIndex<T>
    where T : class
{
    private const int NodeSize = 16;
    private const int PendingLimit = 32;
    private Node? _root;
    private readonly List<Entry> _pending = [];
    private readonly HashSet<T> _removed = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<T> _inTree = new(ReferenceEqualityComparer.Instance);
    private List<Entry> _treeEntries = [];

    public bool NeedsRebuild => _pending.Count > PendingLimit || _removed.Count > PendingLimit;

    public void Add(Envelope envelope, T item) => _pending.Add(new Entry(envelope, item));

    public void Remove(T item)
    {
        _pending.RemoveAll(e => ReferenceEquals(e.Item, item));
        if (_inTree.Contains(item))
        {
            _removed.Add(item);
        }
    }

    public void Rebuild()
    {
        var live = new List<Entry>(_treeEntries.Count + _pending.Count);
        foreach (var entry in _treeEntries)
        {
            if (!_removed.Contains(entry.Item))
            {
                live.Add(entry);
            }
        }

        live.AddRange(_pending);
        _pending.Clear();
        _removed.Clear();
        _inTree.Clear();
        foreach (var entry in live)
        {
            _inTree.Add(entry.Item);
        }

        _treeEntries = live;
        _root = live.Count == 0 ? null : Build(live.Select(e => new Node(e.Envelope, null, e)).ToList());
    }

    /// <summary>Appends the items whose envelope covers the point (bounds included).</summary>
    public void Query(double lat, double lon, List<T> output)
    {
        if (_root is not null)
        {
            Query(_root, lat, lon, output);
        }

        foreach (var entry in _pending)
        {
            if (entry.Envelope.Covers(lat, lon))
            {
                output.Add(entry.Item);
            }
        }
    }

    private void Query(Node node, double lat, double lon, List<T> output)
    {
        if (!node.Envelope.Covers(lat, lon))
        {
            return;
        }

        if (node.Children is null)
        {
            var item = node.Entry!.Value.Item;
            if (_removed.Count == 0 || !_removed.Contains(item))
            {
                output.Add(item);
            }

            return;
        }

        foreach (var child in node.Children)
        {
            Query(child, lat, lon, output);
        }
    }

    private static Node Build(List<Node> level)
    {
        while (level.Count > 1)
        {
            var parents = new List<Node>((level.Count / NodeSize) + 1);
            var slices = (int)Math.Ceiling(Math.Sqrt(Math.Ceiling(level.Count / (double)NodeSize)));
            var sliceSize = slices * NodeSize;
            level.Sort(static (a, b) => CenterLon(a).CompareTo(CenterLon(b)));
            for (var s = 0; s < level.Count; s += sliceSize)
            {
                var slice = level.GetRange(s, Math.Min(sliceSize, level.Count - s));
                slice.Sort(static (a, b) => CenterLat(a).CompareTo(CenterLat(b)));
                for (var i = 0; i < slice.Count; i += NodeSize)
                {
                    var children = slice.GetRange(i, Math.Min(NodeSize, slice.Count - i)).ToArray();
                    var envelope = children[0].Envelope;
                    foreach (var child in children)
                    {
                        envelope = envelope.Union(child.Envelope);
                    }

                    parents.Add(new Node(envelope, children, null));
                }
            }

            level = parents;
        }

        return level[0];
    }

    private static double CenterLon(Node n) => (n.Envelope.MinLon + n.Envelope.MaxLon) / 2;

    private static double CenterLat(Node n) => (n.Envelope.MinLat + n.Envelope.MaxLat) / 2;

    private readonly record struct Entry(Envelope Envelope, T Item);

    private sealed record Node(Envelope Envelope, Node[]? Children, Entry? Entry);
}

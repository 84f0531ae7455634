using System.Text.Json;

namespace Kuzzle.Realtime.Koncorde.Matching;

/// <summary>
/// Per-thread working memory of one Test: subfilter counters and collected field values, reset in O(1) by
/// bumping a generation number. Rented per nesting depth because select conditions test nested engines.
/// </summary>
internal sealed class MatchScratch
{
    [ThreadStatic]
    private static List<MatchScratch>? t_pool;

    [ThreadStatic]
    private static int t_depth;

    private int _generation;

    public int[] SubfilterStamps { get; private set; } = new int[64];
    public int[] Counters { get; private set; } = new int[64];
    public int[] FilterStamps { get; private set; } = new int[64];
    public int[] ValueStamps { get; private set; } = new int[64];
    public JsonElement[] Values { get; private set; } = new JsonElement[64];
    public string?[] Texts { get; private set; } = new string?[64];
    public int[] Touched { get; private set; } = new int[64];
    public int TouchedCount { get; set; }
    public byte[] KeyBytes { get; set; } = new byte[256];
    public List<ConditionEntry> Hits { get; } = [];
    /// <summary>Ids of the filters matched so far.</summary>
    public List<string> Matched { get; } = [];

    public int Generation => _generation;

    public static MatchScratch Rent()
    {
        var pool = t_pool ??= [];
        if (t_depth == pool.Count)
        {
            pool.Add(new MatchScratch());
        }

        return pool[t_depth++];
    }

    public static void Return() => t_depth--;

    /// <summary>Starts a new test sized for the engine's slots.</summary>
    public void Begin(int subfilterSlots, int filterSlots, int fieldSlots)
    {
        if (_generation == int.MaxValue)
        {
            _generation = 0;
            Array.Clear(SubfilterStamps);
            Array.Clear(FilterStamps);
            Array.Clear(ValueStamps);
        }

        _generation++;
        if (SubfilterStamps.Length < subfilterSlots)
        {
            var size = Grow(SubfilterStamps.Length, subfilterSlots);
            SubfilterStamps = new int[size];
            Counters = new int[size];
        }

        if (FilterStamps.Length < filterSlots)
        {
            FilterStamps = new int[Grow(FilterStamps.Length, filterSlots)];
        }

        if (ValueStamps.Length < fieldSlots)
        {
            var size = Grow(ValueStamps.Length, fieldSlots);
            ValueStamps = new int[size];
            Values = new JsonElement[size];
            Texts = new string?[size];
            Touched = new int[size];
        }

        TouchedCount = 0;
        Matched.Clear();
        Hits.Clear();
    }

    private static int Grow(int current, int needed)
    {
        var size = Math.Max(current, 64);
        while (size < needed)
        {
            size *= 2;
        }

        return size;
    }
}

using System.Text.RegularExpressions;
using Kuzzle.Realtime.Koncorde.Transform;

namespace Kuzzle.Realtime.Koncorde.Matching;

/// <summary>A stored filter: the OR of its subfilters.</summary>
internal sealed class FilterEntry(string id, int slot)
{
    public string Id { get; } = id;
    public int Slot { get; } = slot;
    public List<Subfilter> Subfilters { get; } = [];
}

/// <summary>An AND of conditions, shared by every filter containing it.</summary>
internal sealed class Subfilter(string key, int slot)
{
    public string Key { get; } = key;
    public int Slot { get; } = slot;
    public List<ConditionEntry> Conditions { get; } = [];
    public List<FilterEntry> Filters { get; } = [];
}

/// <summary>A condition, shared by every subfilter containing it; evaluated once per document.</summary>
internal sealed class ConditionEntry(CanonicalCondition canonical)
{
    public string Key => Canonical.Key;
    public CanonicalCondition Canonical { get; } = canonical;
    public Term Term => Canonical.Term;
    public bool Not => Canonical.Not;
    public List<Subfilter> Subfilters { get; } = [];
    public FieldSlot? Field { get; set; }
    public Regex? Regex { get; set; }

    /// <summary>regexp: the first character a matching value must have, or -1.</summary>
    public int RegexFirstChar { get; set; } = -1;

    /// <summary>
    /// The filter this condition completes on its own (one subfilter, made of this condition only, owned by one
    /// filter): the common case, matched without touching subfilter counters.
    /// </summary>
    /// <remarks>Its id and slot are copied here so that a hit reads this object only.</remarks>
    public string? DirectFilterId { get; private set; }

    /// <summary>Slot of the direct filter (valid when <see cref="DirectFilterId"/> is set).</summary>
    public int DirectFilterSlot { get; private set; }

    /// <summary>Recomputes the direct filter; called whenever the links around this condition change.</summary>
    public void RefreshDirectFilter()
    {
        var direct = Subfilters.Count == 1 && Subfilters[0].Conditions.Count == 1 && Subfilters[0].Filters.Count == 1
            ? Subfilters[0].Filters[0]
            : null;
        DirectFilterId = direct?.Id;
        DirectFilterSlot = direct?.Slot ?? -1;
    }

    /// <summary>select: id of the query's filter in the nested engine.</summary>
    public string? SelectFilterId { get; set; }
}

/// <summary>One nested engine per (array field, index) for select conditions.</summary>
internal sealed class SelectEntry(IndexEngine engine)
{
    public IndexEngine Engine { get; } = engine;
    public Dictionary<string, List<ConditionEntry>> ByFilter { get; } = new(StringComparer.Ordinal);
}

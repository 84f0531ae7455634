using Kuzzle.Realtime.Koncorde.Geo;

namespace Kuzzle.Realtime.Koncorde.Matching;

/// <summary>Everything indexed on one (flattened) document field, per keyword.</summary>
internal sealed class FieldSlot(string path, int index)
{
    public string Path { get; } = path;

    /// <summary>The path in UTF-8, for direct property lookups.</summary>
    public byte[] Utf8Path { get; } = System.Text.Encoding.UTF8.GetBytes(path);

    /// <summary><see cref="Utf8Path"/>'s hash, to find the field in a prepared document without hashing it.</summary>
    public ulong PathHash { get; } = Utf8Hash.Compute(System.Text.Encoding.UTF8.GetBytes(path), out _);
    public int Index { get; } = index;

    /// <summary>The "_id" field, read from the document id when one is given.</summary>
    public bool IsDocumentId { get; } = path == "_id";

    /// <summary>Conditions (and match keys) using this field; the slot is freed at zero.</summary>
    public int References { get; set; }

    public ScalarMap? EqualsMap { get; set; }
    public ScalarMap? NotEqualsMap { get; set; }
    public List<ConditionEntry>? NotEquals { get; set; }
    public List<ConditionEntry>? Exists { get; set; }
    public ScalarMap? ExistsValues { get; set; }
    public List<ConditionEntry>? NotExists { get; set; }
    public List<ConditionEntry>? NotExistsValues { get; set; }
    public IntervalIndex<ConditionEntry>? Range { get; set; }
    public IntervalIndex<ConditionEntry>? NotRange { get; set; }
    public List<ConditionEntry>? NotRangeAll { get; set; }
    public RegexpIndex? Regexps { get; set; }
    public List<ConditionEntry>? NotRegexps { get; set; }
    public SpatialIndex<ConditionEntry>? Geo { get; set; }
    public int GeoCount { get; set; }
    public List<ConditionEntry>? NotGeo { get; set; }
    public Dictionary<int, SelectEntry>? Selects { get; set; }
    public List<ConditionEntry>? NotSelects { get; set; }

    /// <summary>True when some condition on this field can match while the field is absent.</summary>
    public bool HasNegative =>
        NotEquals is { Count: > 0 } || NotExists is { Count: > 0 } || NotExistsValues is { Count: > 0 }
        || NotRangeAll is { Count: > 0 } || NotRegexps is { Count: > 0 } || NotSelects is { Count: > 0 };

    /// <summary>True when equality is the only keyword indexed on this field.</summary>
    public bool EqualsOnly =>
        EqualsMap is not null && !HasNegative && Exists is not { Count: > 0 } && ExistsValues is not { Count: > 0 }
        && Range is not { Count: > 0 } && Regexps is not { Count: > 0 } && Selects is not { Count: > 0 }
        && GeoCount == 0 && NotGeo is not { Count: > 0 };

    public bool HasPositive =>
        EqualsMap is { Count: > 0 } || Exists is { Count: > 0 } || ExistsValues is { Count: > 0 }
        || Range is { Count: > 0 } || Regexps is { Count: > 0 } || Selects is { Count: > 0 };
}

/// <summary>
/// An equality-only field as prepared-document tests read it: what they need inline, so that reaching the string
/// values' table takes fewer dependent loads (slot, map, string map, table) than through the slot.
/// </summary>
internal readonly struct EqualsOnlyField(FieldSlot field)
{
    public readonly byte[] Path = field.Utf8Path;
    public readonly ulong PathHash = field.PathHash;
    public readonly ScalarMap Map = field.EqualsMap!;

    // WARNING: valid until the next store or removal on the engine, which builds new ones (see Utf8KeyMap.Snapshot).
    public readonly Utf8KeyMap<ConditionEntry>.Snapshot Strings = field.EqualsMap!.Strings.Current;
    public readonly bool IsDocumentId = field.IsDocumentId;
}

using Kuzzle.Realtime.Koncorde.Geo;
using Kuzzle.Realtime.Koncorde.Transform;

namespace Kuzzle.Realtime.Koncorde.Matching;

// IndexEngine: indexing conditions into per-field operand structures, and their removal.
internal sealed partial class IndexEngine
{
    // Koncorde's interval tree has closed bounds only: strict bounds are moved by this epsilon.
    private const double StrictEpsilon = 1e-10;

    private readonly Dictionary<string, FieldSlot> _fields = new(StringComparer.Ordinal);
    private readonly Utf8KeyMap<FieldSlot> _fieldsUtf8 = new();
    private readonly Dictionary<string, int> _prefixes = new(StringComparer.Ordinal);
    private readonly Utf8KeyMap<string> _prefixesUtf8 = new();
    private readonly SlotAllocator _fieldSlots = new();
    private FieldSlot?[] _fieldsByIndex = new FieldSlot?[16];
    private readonly List<FieldSlot> _negativeFields = [];
    private readonly List<FieldSlot> _geoFields = [];
    private readonly List<FieldSlot> _notGeoFields = [];
    private readonly List<ConditionEntry> _always = [];
    private readonly List<ConditionEntry> _matches = [];
    private readonly List<ConditionEntry> _notMatches = [];
    private readonly List<FieldSlot> _rebuildQueue = [];

    // When the engine reads only a few top-level fields, a test looks them up directly instead of walking
    // every property of the document. Null otherwise.
    private FieldSlot[]? _directFields;

    // Set when, moreover, every condition is an equality on one of these fields (see TestEqualsOnly). Read
    // without the lock: replaced whole, never changed in place.
    private volatile FieldSlot[]? _equalsOnlyFields;

    // The same fields laid out for prepared documents (see TryTestEqualsOnly(KoncordeDocument, ...)); set and
    // cleared with _equalsOnlyFields, rebuilt after every store and removal (it holds the maps' current tables).
    private volatile EqualsOnlyField[]? _equalsOnlyPlan;
    private volatile bool _dirty;

    private void AddOperand(ConditionEntry condition)
    {
        var term = condition.Term;
        var not = condition.Not;
        switch (term.Kind)
        {
            case TermKind.Everything:
                _always.Add(condition);
                return;
            case TermKind.Nothing:
                // "nothing" never matches; its negation (which Koncorde cannot store) always does.
                if (not)
                {
                    _always.Add(condition);
                }

                return;
            case TermKind.Match:
                (not ? _notMatches : _matches).Add(condition);
                foreach (var (key, _) in term.Value.Properties)
                {
                    AcquireField(key);
                }

                return;
        }

        var field = AcquireField(term.Field);
        condition.Field = field;
        switch (term.Kind)
        {
            case TermKind.Equals when !not:
                (field.EqualsMap ??= new ScalarMap()).Add(term.Scalar, condition);
                break;
            case TermKind.Equals:
                (field.NotEqualsMap ??= new ScalarMap()).Add(term.Scalar, condition);
                (field.NotEquals ??= []).Add(condition);
                break;
            case TermKind.Exists when !term.IsArrayValue:
                (not ? field.NotExists ??= [] : field.Exists ??= []).Add(condition);
                break;
            case TermKind.Exists when !not:
                (field.ExistsValues ??= new ScalarMap()).Add(term.Scalar, condition);
                break;
            case TermKind.Exists:
                (field.NotExistsValues ??= []).Add(condition);
                break;
            case TermKind.Range:
                AddRange(field, condition);
                break;
            case TermKind.Regexp:
                condition.Regex = RegexCompiler.Compile(term.Pattern, term.Flags);
                condition.RegexFirstChar = RegexpIndex.RequiredFirstChar(term.Pattern, term.Flags);
                if (not)
                {
                    (field.NotRegexps ??= []).Add(condition);
                }
                else
                {
                    (field.Regexps ??= new RegexpIndex()).Add(condition);
                }
                break;
            case TermKind.Geospatial when !not:
                (field.Geo ??= new SpatialIndex<ConditionEntry>()).Add(term.Shape!.Envelope, condition);
                if (field.GeoCount++ == 0)
                {
                    _geoFields.Add(field);
                }

                break;
            case TermKind.Geospatial:
                field.NotGeo ??= [];
                if (field.NotGeo.Count == 0)
                {
                    _notGeoFields.Add(field);
                }

                field.NotGeo.Add(condition);
                break;
            case TermKind.Select:
                AddSelect(field, condition);
                break;
        }

        RefreshNegative(field);
        QueueRebuild(field);
    }

    private static void AddRange(FieldSlot field, ConditionEntry condition)
    {
        var b = condition.Term.Range;
        if (!condition.Not)
        {
            var low = b.LowInclusive ? b.Low : b.Low + StrictEpsilon;
            var high = b.HighInclusive ? b.High : b.High - StrictEpsilon;
            (field.Range ??= new IntervalIndex<ConditionEntry>()).Add(low, high, condition);
            return;
        }

        // Negated range: the two complementary half-lines.
        var notLow = b.LowInclusive ? b.Low - StrictEpsilon : b.Low;
        var notHigh = b.HighInclusive ? b.High + StrictEpsilon : b.High;
        field.NotRange ??= new IntervalIndex<ConditionEntry>();
        if (!double.IsNegativeInfinity(notLow))
        {
            field.NotRange.Add(double.NegativeInfinity, notLow, condition);
        }

        if (!double.IsPositiveInfinity(notHigh))
        {
            field.NotRange.Add(notHigh, double.PositiveInfinity, condition);
        }

        (field.NotRangeAll ??= []).Add(condition);
    }

    private void AddSelect(FieldSlot field, ConditionEntry condition)
    {
        var term = condition.Term;
        field.Selects ??= [];
        if (!field.Selects.TryGetValue(term.SelectIndex, out var entry))
        {
            entry = new SelectEntry(new IndexEngine($"{field.Path}[{term.SelectIndex}]", _normalizer, concurrent: false));
            field.Selects.Add(term.SelectIndex, entry);
        }

        var nested = _normalizer.Normalize(entry.Engine.Index, term.SelectQuery);
        entry.Engine.StoreCore(nested);
        condition.SelectFilterId = nested.Id;
        if (!entry.ByFilter.TryGetValue(nested.Id, out var list))
        {
            list = [];
            entry.ByFilter.Add(nested.Id, list);
        }

        list.Add(condition);
        if (condition.Not)
        {
            (field.NotSelects ??= []).Add(condition);
        }
    }

    private void RemoveOperand(ConditionEntry condition)
    {
        var term = condition.Term;
        var not = condition.Not;
        switch (term.Kind)
        {
            case TermKind.Everything:
            case TermKind.Nothing:
                _always.Remove(condition);
                return;
            case TermKind.Match:
                (not ? _notMatches : _matches).Remove(condition);
                foreach (var (key, _) in term.Value.Properties)
                {
                    ReleaseField(_fields[key]);
                }

                return;
        }

        var field = condition.Field!;
        switch (term.Kind)
        {
            case TermKind.Equals when !not:
                field.EqualsMap!.Remove(term.Scalar);
                break;
            case TermKind.Equals:
                field.NotEqualsMap!.Remove(term.Scalar);
                field.NotEquals!.Remove(condition);
                break;
            case TermKind.Exists when !term.IsArrayValue:
                (not ? field.NotExists : field.Exists)!.Remove(condition);
                break;
            case TermKind.Exists when !not:
                field.ExistsValues!.Remove(term.Scalar);
                break;
            case TermKind.Exists:
                field.NotExistsValues!.Remove(condition);
                break;
            case TermKind.Range when !not:
                field.Range!.Remove(condition);
                break;
            case TermKind.Range:
                field.NotRange!.Remove(condition);
                field.NotRangeAll!.Remove(condition);
                break;
            case TermKind.Regexp when not:
                field.NotRegexps!.Remove(condition);
                break;
            case TermKind.Regexp:
                field.Regexps!.Remove(condition);
                break;
            case TermKind.Geospatial when !not:
                field.Geo!.Remove(condition);
                if (--field.GeoCount == 0)
                {
                    _geoFields.Remove(field);
                }

                break;
            case TermKind.Geospatial:
                field.NotGeo!.Remove(condition);
                if (field.NotGeo.Count == 0)
                {
                    _notGeoFields.Remove(field);
                }

                break;
            case TermKind.Select:
                RemoveSelect(field, condition);
                break;
        }

        RefreshNegative(field);
        QueueRebuild(field);
        ReleaseField(field);
    }

    private static void RemoveSelect(FieldSlot field, ConditionEntry condition)
    {
        var entry = field.Selects![condition.Term.SelectIndex];
        var list = entry.ByFilter[condition.SelectFilterId!];
        list.Remove(condition);
        if (list.Count == 0)
        {
            entry.ByFilter.Remove(condition.SelectFilterId!);
            entry.Engine.RemoveCore(condition.SelectFilterId!);
            if (entry.ByFilter.Count == 0)
            {
                field.Selects.Remove(condition.Term.SelectIndex);
            }
        }

        field.NotSelects?.Remove(condition);
    }

    private FieldSlot AcquireField(string path)
    {
        if (!_fields.TryGetValue(path, out var field))
        {
            field = new FieldSlot(path, _fieldSlots.Next());
            _fields.Add(path, field);
            _fieldsUtf8.Set(path, field);
            if (field.Index >= _fieldsByIndex.Length)
            {
                Array.Resize(ref _fieldsByIndex, Math.Max(_fieldsByIndex.Length * 2, field.Index + 1));
            }

            _fieldsByIndex[field.Index] = field;
            foreach (var prefix in Prefixes(path))
            {
                var count = _prefixes.GetValueOrDefault(prefix) + 1;
                _prefixes[prefix] = count;
                if (count == 1)
                {
                    _prefixesUtf8.Set(prefix, prefix);
                }
            }
        }

        field.References++;
        RefreshDirectFields();
        return field;
    }

    private const int MaxDirectFields = 4;

    private void RefreshDirectFields() =>
        _directFields = _prefixes.Count == 0 && _fields.Count <= MaxDirectFields && _fields.Keys.All(k => !k.Contains('.', StringComparison.Ordinal))
            ? [.. _fields.Values]
            : null;

    /// <summary>Recomputes <see cref="_equalsOnlyFields"/>; called after every store and removal.</summary>
    private void RefreshEqualsOnly()
    {
        var eligible = _directFields is { Length: > 0 } direct && _always.Count == 0 && _matches.Count == 0 && _notMatches.Count == 0
            && _negativeFields.Count == 0 && _geoFields.Count == 0 && _notGeoFields.Count == 0
            && Array.TrueForAll(direct, f => f.EqualsOnly);
        _equalsOnlyPlan = eligible ? [.. _directFields!.Select(f => new EqualsOnlyField(f))] : null;
        _equalsOnlyFields = eligible ? _directFields : null;
    }

    private void ReleaseField(FieldSlot field)
    {
        if (--field.References > 0)
        {
            return;
        }

        _fields.Remove(field.Path);
        _fieldsUtf8.Remove(field.Path);
        _fieldsByIndex[field.Index] = null;
        _fieldSlots.Release(field.Index);
        foreach (var prefix in Prefixes(field.Path))
        {
            if (--_prefixes[prefix] == 0)
            {
                _prefixes.Remove(prefix);
                _prefixesUtf8.Remove(prefix);
            }
        }

        RefreshDirectFields();
    }

    /// <summary>Nested objects worth walking into: every dotted prefix of a field path.</summary>
    private static IEnumerable<string> Prefixes(string path)
    {
        for (var i = path.IndexOf('.', StringComparison.Ordinal); i > 0; i = path.IndexOf('.', i + 1))
        {
            yield return path[..i];
        }
    }

    private void RefreshNegative(FieldSlot field)
    {
        var listed = _negativeFields.Contains(field);
        var negative = field.HasNegative;
        if (negative && !listed)
        {
            _negativeFields.Add(field);
        }
        else if (!negative && listed)
        {
            _negativeFields.Remove(field);
        }
    }

    private void QueueRebuild(FieldSlot field)
    {
        var needed = field.Range is { NeedsRebuild: true } || field.NotRange is { NeedsRebuild: true };
        if (!needed && field.Selects is not null)
        {
            foreach (var entry in field.Selects.Values)
            {
                needed |= entry.Engine._dirty;
            }
        }

        if (needed && !_rebuildQueue.Contains(field))
        {
            _rebuildQueue.Add(field);
            _dirty = true;
        }
    }

    /// <summary>Folds pending additions and removals into the static range and geo indexes.</summary>
    private void Rebuild()
    {
        foreach (var field in _rebuildQueue)
        {
            field.Range?.Rebuild();
            field.NotRange?.Rebuild();
            if (field.Selects is not null)
            {
                foreach (var entry in field.Selects.Values)
                {
                    entry.Engine.Rebuild();
                }
            }
        }

        _rebuildQueue.Clear();
        _dirty = false;
    }
}

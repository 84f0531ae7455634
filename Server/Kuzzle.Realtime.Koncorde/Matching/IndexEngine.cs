using Kuzzle.Realtime.Koncorde.Transform;

namespace Kuzzle.Realtime.Koncorde.Matching;

/// <summary>
/// The filters of one "&lt;index&gt;/&lt;collection&gt;": filters, shared subfilters, shared conditions and the
/// per-field operand indexes. Top-level engines guard themselves with a read-mostly lock (many concurrent
/// tests, short exclusive writes); nested select engines live under their parent's lock. Engines holding only
/// equalities on a few top-level fields are tested without the lock (see TestEqualsOnly).
/// </summary>
internal sealed partial class IndexEngine
{
    private readonly Normalizer _normalizer;
    private readonly ReadMostlyLock? _lock;
    private readonly Dictionary<string, FilterEntry> _filters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Subfilter> _subfilters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConditionEntry> _conditions = new(StringComparer.Ordinal);
    private readonly SlotAllocator _filterSlots = new();
    private readonly SlotAllocator _subfilterSlots = new();

    public IndexEngine(string index, Normalizer normalizer, bool concurrent)
    {
        Index = index;
        _normalizer = normalizer;
        _lock = concurrent ? new ReadMostlyLock() : null;
    }

    public string Index { get; }

    /// <summary>Number of stored filters (read without the lock: an indication only).</summary>
    public int Count => _filters.Count;

    public bool Has(string filterId)
    {
        var reading = EnterRead();
        try
        {
            return _filters.ContainsKey(filterId);
        }
        finally
        {
            ExitRead(reading);
        }
    }

    public string[] FilterIds()
    {
        var reading = EnterRead();
        try
        {
            return [.. _filters.Keys];
        }
        finally
        {
            ExitRead(reading);
        }
    }

    /// <summary>Stores a normalised filter (no-op if already stored).</summary>
    public void Store(NormalizedFilter filter)
    {
        EnterWrite();
        try
        {
            StoreCore(filter);
            RefreshEqualsOnly();
        }
        finally
        {
            ExitWrite();
        }
    }

    /// <summary>Removes a filter; returns the number of filters left.</summary>
    public int Remove(string filterId)
    {
        EnterWrite();
        try
        {
            RemoveCore(filterId);
            RefreshEqualsOnly();
            return _filters.Count;
        }
        finally
        {
            ExitWrite();
        }
    }

    private void StoreCore(NormalizedFilter normalized)
    {
        if (_filters.ContainsKey(normalized.Id))
        {
            return;
        }

        var filter = new FilterEntry(normalized.Id, _filterSlots.Next());
        _filters.Add(normalized.Id, filter);
        foreach (var conditions in normalized.Subfilters)
        {
            var key = CanonicalJson.SubfilterKey(conditions);
            if (_subfilters.TryGetValue(key, out var existing))
            {
                if (!existing.Filters.Contains(filter))
                {
                    existing.Filters.Add(filter);
                    filter.Subfilters.Add(existing);
                    RefreshDirectFilters(existing);
                }

                continue;
            }

            var subfilter = new Subfilter(key, _subfilterSlots.Next());
            _subfilters.Add(key, subfilter);
            subfilter.Filters.Add(filter);
            filter.Subfilters.Add(subfilter);
            foreach (var canonical in conditions)
            {
                if (_conditions.TryGetValue(canonical.Key, out var condition))
                {
                    if (!condition.Subfilters.Contains(subfilter))
                    {
                        condition.Subfilters.Add(subfilter);
                        subfilter.Conditions.Add(condition);
                    }

                    continue;
                }

                condition = new ConditionEntry(canonical);
                _conditions.Add(canonical.Key, condition);
                condition.Subfilters.Add(subfilter);
                subfilter.Conditions.Add(condition);
                AddOperand(condition);
            }

            RefreshDirectFilters(subfilter);
        }
    }

    private void RemoveCore(string filterId)
    {
        if (!_filters.Remove(filterId, out var filter))
        {
            return;
        }

        foreach (var subfilter in filter.Subfilters)
        {
            if (subfilter.Filters.Count > 1)
            {
                subfilter.Filters.Remove(filter);
                RefreshDirectFilters(subfilter);
                continue;
            }

            foreach (var condition in subfilter.Conditions)
            {
                condition.Subfilters.Remove(subfilter);
                if (condition.Subfilters.Count == 0)
                {
                    _conditions.Remove(condition.Key);
                    RemoveOperand(condition);
                }
                else
                {
                    condition.RefreshDirectFilter();
                }
            }

            _subfilters.Remove(subfilter.Key);
            _subfilterSlots.Release(subfilter.Slot);
        }

        _filterSlots.Release(filter.Slot);
    }

    private static void RefreshDirectFilters(Subfilter subfilter)
    {
        foreach (var condition in subfilter.Conditions)
        {
            condition.RefreshDirectFilter();
        }
    }

    private ReadMostlyLock.ReaderSlot? EnterRead() => _lock?.EnterRead();

    private void ExitRead(ReadMostlyLock.ReaderSlot? reading) => _lock?.ExitRead(reading);

    private void EnterWrite() => _lock?.EnterWrite();

    private void ExitWrite() => _lock?.ExitWrite();
}

/// <summary>Hands out small dense integers, reusing released ones (they index the per-test scratch arrays).</summary>
internal sealed class SlotAllocator
{
    private readonly Stack<int> _free = new();

    public int Capacity { get; private set; }

    public int Next() => _free.Count > 0 ? _free.Pop() : Capacity++;

    public void Release(int slot) => _free.Push(slot);
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Kuzzle.Realtime.Koncorde.Geo;
using Kuzzle.Realtime.Koncorde.Json;

namespace Kuzzle.Realtime.Koncorde.Matching;

// IndexEngine: testing a document. The document is walked once, only into objects some field path needs;
// each indexed field present is looked up in its operand structures, each condition found decrements the
// counters of its subfilters, and a subfilter reaching zero matches its filters.
internal sealed partial class IndexEngine
{
    /// <summary>Ids of the filters matching the document.</summary>
    public string[] Test(JsonElement document, string? documentId)
    {
        // Equality-only engines first, without the lock (see TestEqualsOnly).
        if (_equalsOnlyFields is { } equalsOnly && document.ValueKind == JsonValueKind.Object
            && TestEqualsOnly(equalsOnly, document, documentId) is { } direct)
        {
            return direct;
        }

        return TestGeneral(document, documentId);
    }

    /// <summary>The general test, under the read lock.</summary>
    public string[] TestGeneral(JsonElement document, string? documentId) => TestGeneral(document, documentId, null);

    /// <summary>
    /// The general test, under the read lock; with <paramref name="output"/>, the ids are appended to it (no array
    /// is made) and the result is empty.
    /// </summary>
    public string[] TestGeneral(JsonElement document, string? documentId, List<string>? output)
    {
        if (_dirty)
        {
            // Rare: fold pending index updates in, under the write lock.
            _lock!.EnterWrite();
            try
            {
                if (_dirty)
                {
                    Rebuild();
                }
            }
            finally
            {
                _lock.ExitWrite();
            }
        }

        var reading = EnterRead();
        try
        {
            return TestCore(document, documentId, output);
        }
        finally
        {
            ExitRead(reading);
        }
    }

    /// <summary>
    /// Equality-only engines, from the document's JSON text: the ids of the matching filters, or null when the
    /// general test is needed (another keyword, a condition needing counters, escapes, text it cannot follow).
    /// </summary>
    /// <remarks>
    /// Runs without the lock, as <see cref="TestEqualsOnly"/>. Only the top-level properties named by an
    /// indexed field are looked at; the last of duplicate names wins, as JSON.parse.
    /// </remarks>
    public string[]? TryTestEqualsOnly(ReadOnlySpan<byte> json, string? documentId)
    {
        if (_equalsOnlyFields is not { } fields)
        {
            return null;
        }

        // Where each field's value token is, as (start, length) pairs: fields are at most MaxDirectFields.
        var positions = default(TokenPositions);
        Span<int> tokens = positions;
        var reader = new RawObjectReader(json);
        if (!reader.IsObject)
        {
            return null;
        }

        while (reader.TryReadProperty(out var name, out var nameEscaped, out var value))
        {
            if (nameEscaped)
            {
                return null;
            }

            for (var f = 0; f < fields.Length; f++)
            {
                if (name.SequenceEqual(fields[f].Utf8Path))
                {
                    // Offsets within the document text (the spans point into it).
                    tokens[2 * f] = (int)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(json), ref MemoryMarshal.GetReference(value));
                    tokens[(2 * f) + 1] = value.Length;
                    break;
                }
            }
        }

        if (reader.Malformed)
        {
            return null;
        }

        var hits = new DirectHits(fields.Length);
        for (var f = 0; f < fields.Length; f++)
        {
            var field = fields[f];
            ConditionEntry? found;
            if (field.IsDocumentId && documentId is not null)
            {
                found = field.EqualsMap!.Find(documentId);
            }
            else if (tokens[(2 * f) + 1] == 0)
            {
                continue;
            }
            else if (!field.EqualsMap!.TryFindRaw(json.Slice(tokens[2 * f], tokens[(2 * f) + 1]), out found))
            {
                return null;
            }

            if (found is not null && !hits.Add(found))
            {
                return null;
            }
        }

        return hits.ToArray();
    }

    /// <summary>
    /// Equality-only engines, on a prepared document: appends the ids of the matching filters to
    /// <paramref name="matches"/> and returns true; or returns false, having appended nothing, when the general
    /// test is needed (another keyword, a condition needing counters, a document the direct reader could not read).
    /// </summary>
    /// <remarks>
    /// Runs without the lock, as <see cref="TestEqualsOnly"/>. Per field: one property lookup and one map probe,
    /// both with hashes computed when the document was prepared.
    /// </remarks>
    public bool TryTestEqualsOnly(KoncordeDocument document, List<string> matches)
    {
        if (_equalsOnlyPlan is not { } fields || !document.IsRead)
        {
            return false;
        }

        var start = matches.Count;
        for (var f = 0; f < fields.Length; f++)
        {
            ref readonly var field = ref fields[f];
            ConditionEntry? found;
            if (field.IsDocumentId && document.Id is not null)
            {
                found = field.Map.FindString(document.IdUtf8, document.IdHash);
            }
            else if (document.Find(field.Path, field.PathHash) is var at and >= 0)
            {
                ref readonly var property = ref document.Property(at);
                found = property.Kind == DocumentValueKind.String
                    ? field.Strings.Get(document.StringBytes(property), property.ValueHash)
                    : field.Map.Find(document, property);
            }
            else
            {
                continue;
            }

            if (found is null)
            {
                continue;
            }

            if (found.DirectFilterId is not { } id)
            {
                matches.RemoveRange(start, matches.Count - start);
                return false;
            }

            // Two conditions may complete the same filter (OR of equalities on two fields): report it once.
            if (matches.Count == start || matches.IndexOf(id, start) < 0)
            {
                matches.Add(id);
            }
        }

        return true;
    }

    /// <summary>
    /// Engines whose only conditions are equalities on a few top-level fields: each field present is looked up in
    /// its map, and a condition completing one filter on its own reports that filter without any counter. Returns
    /// null when a condition found needs counting (the caller then runs the general test).
    /// </summary>
    /// <remarks>
    /// No lock: the field array is replaced whole by writers, a field in it always has its equality map, and those
    /// maps take lookups concurrent with their writer. A filter stored or removed while this runs may or may not be
    /// reported; one left alone always is. A filter removed before this starts is not (its map entry is cleared
    /// first).
    /// </remarks>
    private static string[]? TestEqualsOnly(FieldSlot[] fields, JsonElement document, string? documentId)
    {
        var hits = new DirectHits(fields.Length);
        foreach (var field in fields)
        {
            ConditionEntry? found;
            if (field.IsDocumentId && documentId is not null)
            {
                found = field.EqualsMap!.Find(documentId);
            }
            else if (document.TryGetProperty(field.Utf8Path, out var value))
            {
                found = field.EqualsMap!.Find(value);
            }
            else
            {
                continue;
            }

            if (found is not null && !hits.Add(found))
            {
                return null;
            }
        }

        return hits.ToArray();
    }

    [InlineArray(2 * MaxDirectFields)]
    private struct TokenPositions
    {
        private int _element;
    }

    /// <summary>Filters completed by single conditions, each reported once.</summary>
    private struct DirectHits(int capacity)
    {
        private string[]? _ids;
        private int _count;

        /// <summary>False when the condition does not complete a filter on its own (counting is needed).</summary>
        public bool Add(ConditionEntry found)
        {
            if (found.DirectFilterId is not { } id)
            {
                return false;
            }

            // Two conditions may complete the same filter (OR of equalities on two fields): report it once (filter
            // ids are unique, comparing them is enough).
            if (_ids is null)
            {
                _ids = new string[capacity];
            }
            else if (Array.IndexOf(_ids, id, 0, _count) >= 0)
            {
                return true;
            }

            _ids[_count++] = id;
            return true;
        }

        public readonly string[] ToArray() => _ids is null ? [] : _count == _ids.Length ? _ids : _ids[.._count];
    }

    private string[] TestCore(JsonElement document, string? documentId, List<string>? output)
    {
        var scratch = MatchScratch.Rent();
        try
        {
            Begin(scratch);
            if (document.ValueKind == JsonValueKind.Object)
            {
                if (_directFields is { } direct)
                {
                    // Same result as the walk (no nested paths): TryGetProperty also keeps the last duplicate.
                    foreach (var field in direct)
                    {
                        if (document.TryGetProperty(field.Utf8Path, out var value))
                        {
                            SetValue(scratch, field.Index, value);
                        }
                    }
                }
                else
                {
                    Walk(scratch, document, 0);
                }
            }

            if (documentId is not null && _fields.TryGetValue("_id", out var idField))
            {
                SetText(scratch, idField.Index, documentId);
            }

            MatchCollected(scratch);
            if (output is not null)
            {
                output.AddRange(scratch.Matched);
                return [];
            }

            return scratch.Matched.Count == 0 ? [] : [.. scratch.Matched];
        }
        finally
        {
            MatchScratch.Return();
        }
    }

    /// <summary>Nested (select) test of <c>{"value": element}</c>, under the parent's lock.</summary>
    private void TestValue(JsonElement element, List<string> output)
    {
        var scratch = MatchScratch.Rent();
        try
        {
            Begin(scratch);
            const string root = "value";
            if (_fields.TryGetValue(root, out var field))
            {
                SetValue(scratch, field.Index, element);
            }

            if (element.ValueKind == JsonValueKind.Object && _prefixes.ContainsKey(root))
            {
                "value"u8.CopyTo(scratch.KeyBytes);
                Walk(scratch, element, root.Length);
            }

            MatchCollected(scratch);
            output.AddRange(scratch.Matched);
        }
        finally
        {
            MatchScratch.Return();
        }
    }

    private void Begin(MatchScratch scratch) =>
        scratch.Begin(_subfilterSlots.Capacity, _filterSlots.Capacity, _fieldSlots.Capacity);

    private void Walk(MatchScratch scratch, JsonElement obj, int prefixLength)
    {
        foreach (var property in obj.EnumerateObject())
        {
            // Flattened key "<prefix>.<name>" built in UTF-8, straight from the raw JSON when it has no escapes.
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            var start = prefixLength == 0 ? 0 : prefixLength + 1;
            int length;
            if (raw.IndexOf((byte)'\\') < 0)
            {
                EnsureKeyCapacity(scratch, start + raw.Length);
                raw.CopyTo(scratch.KeyBytes.AsSpan(start));
                length = start + raw.Length;
            }
            else
            {
                var name = property.Name;
                EnsureKeyCapacity(scratch, start + Encoding.UTF8.GetMaxByteCount(name.Length));
                length = start + Encoding.UTF8.GetBytes(name, scratch.KeyBytes.AsSpan(start));
            }

            if (prefixLength > 0)
            {
                scratch.KeyBytes[prefixLength] = (byte)'.';
            }

            var key = scratch.KeyBytes.AsSpan(0, length);
            var value = property.Value;
            if (_fieldsUtf8.Get(key) is { } field)
            {
                SetValue(scratch, field.Index, value);
            }

            if (value.ValueKind == JsonValueKind.Object && _prefixesUtf8.Get(key) is not null)
            {
                Walk(scratch, value, length);
            }
        }
    }

    private static void EnsureKeyCapacity(MatchScratch scratch, int needed)
    {
        if (scratch.KeyBytes.Length < needed)
        {
            var bigger = new byte[Math.Max(needed, scratch.KeyBytes.Length * 2)];
            scratch.KeyBytes.CopyTo(bigger, 0);
            scratch.KeyBytes = bigger;
        }
    }

    private static void SetValue(MatchScratch scratch, int index, JsonElement value)
    {
        if (scratch.ValueStamps[index] != scratch.Generation)
        {
            scratch.ValueStamps[index] = scratch.Generation;
            scratch.Touched[scratch.TouchedCount++] = index;
        }

        scratch.Values[index] = value;
        scratch.Texts[index] = null;
    }

    private static void SetText(MatchScratch scratch, int index, string text)
    {
        if (scratch.ValueStamps[index] != scratch.Generation)
        {
            scratch.ValueStamps[index] = scratch.Generation;
            scratch.Touched[scratch.TouchedCount++] = index;
        }

        scratch.Texts[index] = text;
    }

    private void MatchCollected(MatchScratch scratch)
    {
        foreach (var condition in _always)
        {
            Hit(scratch, condition);
        }

        for (var t = 0; t < scratch.TouchedCount; t++)
        {
            var field = _fieldsByIndex[scratch.Touched[t]];
            if (field is not null && field.HasPositive)
            {
                MatchPositive(scratch, field);
            }
        }

        foreach (var field in _negativeFields)
        {
            MatchNegative(scratch, field);
        }

        if (_geoFields.Count > 0)
        {
            MatchGeo(scratch);
        }

        if (_notGeoFields.Count > 0)
        {
            MatchNotGeo(scratch);
        }

        foreach (var condition in _matches)
        {
            if (MatchObject(scratch, condition.Term.Value))
            {
                Hit(scratch, condition);
            }
        }

        foreach (var condition in _notMatches)
        {
            if (!MatchObject(scratch, condition.Term.Value))
            {
                Hit(scratch, condition);
            }
        }
    }

    private static void MatchPositive(MatchScratch scratch, FieldSlot field)
    {
        var i = field.Index;
        var text = scratch.Texts[i];
        var value = scratch.Values[i];
        var kind = text is null ? value.ValueKind : JsonValueKind.String;

        if (field.EqualsMap is { Count: > 0 } equalsMap)
        {
            var found = text is null ? equalsMap.Find(value) : equalsMap.Find(text);
            if (found is not null)
            {
                Hit(scratch, found);
            }
        }

        if (field.Exists is { Count: > 0 } exists)
        {
            foreach (var condition in exists)
            {
                Hit(scratch, condition);
            }
        }

        if (field.ExistsValues is { Count: > 0 } existsValues && kind == JsonValueKind.Array)
        {
            var hits = scratch.Hits;
            hits.Clear();
            foreach (var item in value.EnumerateArray())
            {
                var found = existsValues.Find(item);
                if (found is not null && !hits.Contains(found))
                {
                    hits.Add(found);
                    Hit(scratch, found);
                }
            }

            hits.Clear();
        }

        if (field.Range is { Count: > 0 } range && kind == JsonValueKind.Number)
        {
            var visitor = new HitVisitor(scratch);
            range.Query(JsValue.ReadNumber(value), ref visitor);
        }

        if (field.Regexps is { Count: > 0 } regexps && kind == JsonValueKind.String)
        {
            var hits = scratch.Hits;
            hits.Clear();
            regexps.Match(text ?? value.GetString()!, hits);
            foreach (var condition in hits)
            {
                Hit(scratch, condition);
            }

            hits.Clear();
        }

        if (field.Selects is { Count: > 0 } selects && kind == JsonValueKind.Array)
        {
            var length = value.GetArrayLength();
            foreach (var (index, entry) in selects)
            {
                var at = index >= 0 ? index : length + index;
                if (at < 0 || at >= length)
                {
                    continue;
                }

                var matched = new List<string>();
                entry.Engine.TestValue(value[at], matched);
                foreach (var nestedId in matched)
                {
                    foreach (var condition in entry.ByFilter[nestedId])
                    {
                        if (!condition.Not)
                        {
                            Hit(scratch, condition);
                        }
                    }
                }
            }
        }
    }

    private static void MatchNegative(MatchScratch scratch, FieldSlot field)
    {
        var i = field.Index;
        var present = scratch.ValueStamps[i] == scratch.Generation;
        var text = present ? scratch.Texts[i] : null;
        var value = present ? scratch.Values[i] : default;
        var kind = !present ? JsonValueKind.Undefined : text is null ? value.ValueKind : JsonValueKind.String;

        if (field.NotEquals is { Count: > 0 } notEquals)
        {
            var equal = !present ? null : text is null ? field.NotEqualsMap!.Find(value) : field.NotEqualsMap!.Find(text);
            foreach (var condition in notEquals)
            {
                if (!ReferenceEquals(condition, equal))
                {
                    Hit(scratch, condition);
                }
            }
        }

        if (field.NotExists is { Count: > 0 } notExists && !present)
        {
            foreach (var condition in notExists)
            {
                Hit(scratch, condition);
            }
        }

        if (field.NotExistsValues is { Count: > 0 } notExistsValues)
        {
            foreach (var condition in notExistsValues)
            {
                if (kind != JsonValueKind.Array || !ArrayIncludes(value, condition.Term.Scalar))
                {
                    Hit(scratch, condition);
                }
            }
        }

        if (field.NotRangeAll is { Count: > 0 } notRangeAll)
        {
            if (kind == JsonValueKind.Number)
            {
                var visitor = new HitVisitor(scratch);
                field.NotRange!.Query(JsValue.ReadNumber(value), ref visitor);
            }
            else
            {
                foreach (var condition in notRangeAll)
                {
                    Hit(scratch, condition);
                }
            }
        }

        if (field.NotRegexps is { Count: > 0 } notRegexps)
        {
            // Koncorde tests the value's string form, whatever its type.
            var s = !present ? null : text ?? (kind == JsonValueKind.String ? value.GetString()! : JsNumber.ToJsString(JsValue.FromElement(value)));
            foreach (var condition in notRegexps)
            {
                if (s is null || (condition.RegexFirstChar >= 0 && (s.Length == 0 || s[0] != condition.RegexFirstChar)) || !condition.Regex!.IsMatch(s))
                {
                    Hit(scratch, condition);
                }
            }
        }

        if (field.NotSelects is { Count: > 0 } notSelects)
        {
            MatchNotSelect(scratch, field, kind == JsonValueKind.Array ? value : null, notSelects);
        }
    }

    private static void MatchNotSelect(MatchScratch scratch, FieldSlot field, JsonElement? array, List<ConditionEntry> notSelects)
    {
        var matchedIds = new HashSet<(int Index, string FilterId)>();
        if (array is { } a)
        {
            var length = a.GetArrayLength();
            foreach (var (index, entry) in field.Selects!)
            {
                var at = index >= 0 ? index : length + index;
                if (at < 0 || at >= length)
                {
                    continue;
                }

                var matched = new List<string>();
                entry.Engine.TestValue(a[at], matched);
                foreach (var nestedId in matched)
                {
                    matchedIds.Add((index, nestedId));
                }
            }
        }

        foreach (var condition in notSelects)
        {
            if (!matchedIds.Contains((condition.Term.SelectIndex, condition.SelectFilterId!)))
            {
                Hit(scratch, condition);
            }
        }
    }

    // Koncorde stops the whole geo pass at the first geo field holding an unreadable point.
    private void MatchGeo(MatchScratch scratch)
    {
        var hits = scratch.Hits;
        foreach (var field in _geoFields)
        {
            if (!TryReadTruthy(scratch, field, out var value))
            {
                continue;
            }

            if (GeoPoint.Convert(value) is not { } point)
            {
                return;
            }

            hits.Clear();
            field.Geo!.Query(point.Lat, point.Lon, hits);
            if (hits.Count > 0)
            {
                var vector = Geodesy.ToVector(point.Lat, point.Lon);
                foreach (var condition in hits)
                {
                    if (condition.Term.Shape!.Covers(point.Lat, point.Lon, vector))
                    {
                        Hit(scratch, condition);
                    }
                }
            }

            hits.Clear();
        }
    }

    private void MatchNotGeo(MatchScratch scratch)
    {
        foreach (var field in _notGeoFields)
        {
            if (!TryReadTruthy(scratch, field, out var value))
            {
                foreach (var condition in field.NotGeo!)
                {
                    Hit(scratch, condition);
                }

                continue;
            }

            if (GeoPoint.Convert(value) is not { } point)
            {
                return;
            }

            foreach (var condition in field.NotGeo!)
            {
                var shape = condition.Term.Shape!;
                if (!(shape.Envelope.Covers(point.Lat, point.Lon) && shape.Covers(point.Lat, point.Lon)))
                {
                    Hit(scratch, condition);
                }
            }
        }
    }

    /// <summary>The field's value when present and truthy in JavaScript terms.</summary>
    private static bool TryReadTruthy(MatchScratch scratch, FieldSlot field, out JsonElement value)
    {
        value = default;
        var i = field.Index;
        if (scratch.ValueStamps[i] != scratch.Generation)
        {
            return false;
        }

        if (scratch.Texts[i] is { } text)
        {
            using var doc = JsonDocument.Parse(JsonSerializer.Serialize(text));
            value = doc.RootElement.Clone();
            return text.Length > 0;
        }

        value = scratch.Values[i];
        return value.ValueKind switch
        {
            JsonValueKind.String => value.ValueEquals(string.Empty) is false,
            JsonValueKind.Number => JsValue.ReadNumber(value) != 0,
            JsonValueKind.True or JsonValueKind.Object or JsonValueKind.Array => true,
            _ => false,
        };
    }

    private bool MatchObject(MatchScratch scratch, JsValue match)
    {
        foreach (var (key, expected) in match.Properties)
        {
            JsonElement? value = null;
            if (_fields.TryGetValue(key, out var field) && scratch.ValueStamps[field.Index] == scratch.Generation)
            {
                value = scratch.Texts[field.Index] is { } text ? TextElement(text) : scratch.Values[field.Index];
            }

            if (!ObjectMatcher.MatchAny(value, expected))
            {
                return false;
            }
        }

        return true;
    }

    private static JsonElement TextElement(string text)
    {
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(text));
        return doc.RootElement.Clone();
    }

    /// <summary>Array.prototype.includes with a scalar (SameValueZero).</summary>
    private static bool ArrayIncludes(JsonElement array, JsValue scalar)
    {
        foreach (var item in array.EnumerateArray())
        {
            var equal = scalar.Kind switch
            {
                JsKind.String => item.ValueKind == JsonValueKind.String && item.ValueEquals(scalar.String),
                JsKind.Number => item.ValueKind == JsonValueKind.Number && JsValue.ReadNumber(item) == scalar.Number,
                JsKind.Boolean => item.ValueKind == (scalar.Boolean ? JsonValueKind.True : JsonValueKind.False),
                JsKind.Null => item.ValueKind == JsonValueKind.Null,
                _ => false,
            };
            if (equal)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Feeds interval query results straight into the subfilter counters.</summary>
    private readonly struct HitVisitor(MatchScratch scratch) : IItemVisitor<ConditionEntry>
    {
        public void Visit(ConditionEntry item) => Hit(scratch, item);
    }

    private static void Hit(MatchScratch scratch, ConditionEntry condition)
    {
        var generation = scratch.Generation;
        if (condition.DirectFilterId is { } directId)
        {
            var directSlot = condition.DirectFilterSlot;
            if (scratch.FilterStamps[directSlot] != generation)
            {
                scratch.FilterStamps[directSlot] = generation;
                scratch.Matched.Add(directId);
            }

            return;
        }

        var stamps = scratch.SubfilterStamps;
        var counters = scratch.Counters;
        foreach (var subfilter in condition.Subfilters)
        {
            var slot = subfilter.Slot;
            if (stamps[slot] != generation)
            {
                stamps[slot] = generation;
                counters[slot] = subfilter.Conditions.Count;
            }

            if (--counters[slot] > 0)
            {
                continue;
            }

            foreach (var filter in subfilter.Filters)
            {
                if (scratch.FilterStamps[filter.Slot] != generation)
                {
                    scratch.FilterStamps[filter.Slot] = generation;
                    scratch.Matched.Add(filter.Id);
                }
            }
        }
    }
}

using Kuzzle.Realtime.Koncorde.Json;

namespace Kuzzle.Realtime.Koncorde.Transform;

/// <summary>
/// Validates a filter and rewrites it into the reduced keyword set (Koncorde's standardisation):
/// in/ids become or-of-equals, missing becomes not-exists, bool becomes and/or/not, negations are pushed
/// onto terms, nested same-operator groups are flattened. Error messages and paths are Koncorde's.
/// </summary>
internal sealed partial class Standardizer
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "bool", "equals", "exists", "geoBoundingBox", "geoDistance", "geoDistanceRange", "geoPolygon",
        "ids", "in", "match", "missing", "not", "nothing", "or", "select", "range", "regexp",
    };

    /// <summary>Standardises a filter; returns null for the empty filter (matches everything).</summary>
    public FilterNode? Standardize(JsValue? filter, string? path = null)
    {
        if (filter is null || filter.Kind != JsKind.Object || filter.Properties.Count == 0)
        {
            // Koncorde reads Object.keys of whatever it gets: null, numbers and booleans have none.
            if (filter is not null && filter.Kind is JsKind.String or JsKind.Array && KeysOf(filter).Count > 0)
            {
                return StandardizeKeys(filter, path);
            }

            return null;
        }

        return StandardizeKeys(filter, path);
    }

    private FilterNode StandardizeKeys(JsValue filter, string? path)
    {
        var keys = KeysOf(filter);
        if (keys.Count > 1)
        {
            throw KoncordeException.At(path, "Invalid filter syntax. Filters must have one keyword only");
        }

        var keyword = keys[0];
        var keywordPath = PathAdd(path, keyword);
        if (!Keywords.Contains(keyword))
        {
            throw KoncordeException.At(keywordPath, "unknown keyword");
        }

        var value = filter.Kind == JsKind.Object ? filter.Properties[0].Value : JsValue.Null;
        return keyword switch
        {
            "and" => AndOr(value, isAnd: true, keywordPath),
            "or" => AndOr(value, isAnd: false, keywordPath),
            "not" => Not(value, keywordPath),
            "bool" => Bool(value, keywordPath),
            "equals" => new TermNode(EqualsTerm(value, keywordPath)),
            "in" => In(value, keywordPath),
            "ids" => Ids(value, keywordPath),
            "exists" => new TermNode(ExistsTerm(value, keywordPath)),
            "missing" => new NotNode(new TermNode(ExistsTerm(value, keywordPath))),
            "range" => new TermNode(RangeTerm(value, keywordPath)),
            "regexp" => new TermNode(RegexpTerm(value, keywordPath)),
            "match" => new TermNode(MatchTerm(value, keywordPath)),
            "select" => new TermNode(SelectTerm(value, keywordPath)),
            "nothing" => new TermNode(Term.Nothing()),
            "geoBoundingBox" => new TermNode(GeoBoundingBoxTerm(value, keywordPath)),
            "geoDistance" => new TermNode(GeoDistanceTerm(value, keywordPath)),
            "geoDistanceRange" => new TermNode(GeoDistanceRangeTerm(value, keywordPath)),
            _ => new TermNode(GeoPolygonTerm(value, keywordPath)),
        };
    }

    private FilterNode AndOr(JsValue value, bool isAnd, string path)
    {
        Checks.IsArray(value, path, nonEmpty: true, itemType: null);
        foreach (var item in value.Items)
        {
            if (item.Kind != JsKind.Object || item.Properties.Count == 0)
            {
                throw KoncordeException.At(path, "can only contain non-empty objects");
            }
        }

        return BuildGroup(value.Items.Select(item => Standardize(item, path)!).ToList(), isAnd, path);
    }

    /// <summary>
    /// Flattens same-operator children; when terms sit next to groups, the terms are standardised again and
    /// wrapped in their own leaf group (path: the group's keyword path).
    /// </summary>
    private static FilterNode BuildGroup(List<FilterNode> children, bool isAnd, string? path)
    {
        var isLeaf = true;
        var leaves = new List<FilterNode>();
        var groups = new List<FilterNode>();
        foreach (var child in children)
        {
            if (child is GroupNode g && g.IsAnd == isAnd)
            {
                leaves.AddRange(g.Items);
                if (!g.IsLeaf)
                {
                    isLeaf = false;
                }
            }
            else if (child is GroupNode)
            {
                isLeaf = false;
                groups.Add(child);
            }
            else
            {
                leaves.Add(child);
            }
        }

        if (!isLeaf && leaves.Count > 1)
        {
            var subPath = PathAdd(path, isAnd ? "and" : "or");
            var sub = BuildGroup(leaves.Select(l => Restandardize(l, subPath)).ToList(), isAnd, subPath);
            return new GroupNode(isAnd, [.. groups, sub], isLeaf: false);
        }

        var items = new List<FilterNode>(groups.Count + leaves.Count);
        items.AddRange(groups);
        items.AddRange(leaves);
        return items.Count == 1 ? items[0] : new GroupNode(isAnd, items, isLeaf);
    }

    private FilterNode Not(JsValue value, string path)
    {
        Checks.IsObject(value, path, properties: 1);
        return NotOf(Standardize(value, path)!);
    }

    /// <summary>
    /// Koncorde's negation of an already standardised node: De Morgan on groups (each child standardised again,
    /// then negated), double negation removed, otherwise a negated term.
    /// </summary>
    private static FilterNode NotOf(FilterNode node)
    {
        switch (node)
        {
            case GroupNode g:
                var isLeaf = true;
                var items = new List<FilterNode>(g.Items.Count);
                foreach (var item in g.Items)
                {
                    var negated = NotOf(Restandardize(item, "not"));
                    if (negated is GroupNode)
                    {
                        isLeaf = false;
                    }

                    items.Add(negated);
                }

                return new GroupNode(!g.IsAnd, items, isLeaf);
            case NotNode n:
                return n.Inner;
            default:
                return new NotNode(node);
        }
    }

    /// <summary>
    /// Runs standardisation again on a standardised node, as Koncorde does when it pushes a negation down or
    /// regroups terms (<paramref name="path"/>: the path standardisation is called with).
    /// </summary>
    private static FilterNode Restandardize(FilterNode node, string? path)
    {
        switch (node)
        {
            case GroupNode g:
                var groupPath = PathAdd(path, g.IsAnd ? "and" : "or");
                return BuildGroup(g.Items.Select(i => Restandardize(i, groupPath)).ToList(), g.IsAnd, groupPath);
            case NotNode n:
                return NotOf(Restandardize(n.Inner, PathAdd(path, "not")));
            case TermNode { Term.Kind: TermKind.Geospatial }:
                // Koncorde reads its own rewritten geo term again, and does not know that keyword.
                throw KoncordeException.At(PathAdd(path, "geospatial"), "unknown keyword");
            default:
                return node;
        }
    }

    private FilterNode Bool(JsValue value, string path)
    {
        Checks.IsObject(value, path, nonEmpty: true, allowed: ["must", "must_not", "should", "should_not"]);
        var and = new List<JsValue>();
        void Concat(JsValue v)
        {
            if (v.Kind == JsKind.Array)
            {
                and.AddRange(v.Items);
            }
            else
            {
                and.Add(v);
            }
        }

        JsValue Wrap(string keyword, JsValue inner) => Term.Obj((keyword, inner));

        var must = value.Get("must");
        if (must is not null && must.IsTruthy)
        {
            Concat(must);
        }

        var mustNot = value.Get("must_not");
        if (mustNot is not null && mustNot.IsTruthy)
        {
            and.Add(Wrap("not", Wrap("or", mustNot)));
        }

        var should = value.Get("should");
        if (should is not null && should.IsTruthy)
        {
            and.Add(Wrap("or", should));
        }

        var shouldNot = value.Get("should_not");
        if (shouldNot is not null && shouldNot.IsTruthy)
        {
            and.Add(Wrap("not", Wrap("and", shouldNot)));
        }

        return Standardize(Wrap("and", JsValue.FromArray(and)), path)!;
    }

    private static GroupNode In(JsValue value, string path)
    {
        Checks.IsObject(value, path, properties: 1);
        var (field, list) = value.Properties[0];
        Checks.IsArray(list, PathAdd(path, field), nonEmpty: true, itemType: JsKind.String);
        return OrOfEquals(field, list);
    }

    private static GroupNode Ids(JsValue value, string path)
    {
        Checks.IsObject(value, path, properties: 1, required: ["values"]);
        var list = value.Get("values")!;
        Checks.IsArray(list, PathAdd(path, "values"), nonEmpty: true, itemType: JsKind.String);
        return OrOfEquals("_id", list);
    }

    private static GroupNode OrOfEquals(string field, JsValue list)
    {
        // A one-value list stays a group: Koncorde keeps it, and it changes the canonical order.
        var items = list.Items.Select(v => (FilterNode)new TermNode(Term.EqualsTerm(field, v))).ToList();
        return new GroupNode(isAnd: false, items, isLeaf: true);
    }

    internal static string PathAdd(string? current, string leaf) => current is null ? leaf : $"{current}.{leaf}";

    /// <summary>Object.keys of a JSON value.</summary>
    private static List<string> KeysOf(JsValue value) => value.Kind switch
    {
        JsKind.Object => value.Properties.Select(p => p.Key).ToList(),
        JsKind.String => Enumerable.Range(0, value.String.Length).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(),
        JsKind.Array => Enumerable.Range(0, value.Items.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(),
        _ => [],
    };
}

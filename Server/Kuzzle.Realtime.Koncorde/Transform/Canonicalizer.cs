using System.Text;
using Kuzzle.Realtime.Koncorde.Json;

namespace Kuzzle.Realtime.Koncorde.Transform;

/// <summary>
/// Converts a standardised filter into Koncorde's canonical form: an OR of subfilters, each an AND of conditions.
/// Koncorde minimises the boolean function of its "variables" (terms, and leaf groups taken whole) with Espresso.
/// Every variable occurs once with a fixed polarity, so the function is unate and its minimal cover is exactly the
/// distributed DNF: we compute that directly. Cube order follows Espresso for the shapes whose ids are reproducible
/// (one cube, or single-literal cubes in input order); larger cubes come first otherwise.
/// </summary>
internal sealed class Canonicalizer(int maxConditions, int maxSubfilters)
{
    public static readonly CanonicalCondition Everything = new(Term.Everything(), not: false);

    public List<List<CanonicalCondition>> Convert(FilterNode? filter)
    {
        if (filter is null)
        {
            return [[Everything]];
        }

        var variables = new List<Variable>();
        Extract(filter, negated: false, variables);
        var count = variables.Sum(v => v.Group?.Items.Count ?? 1);
        if (maxConditions > 0 && count > maxConditions)
        {
            throw new KoncordeException($"Filter too complex: exceeds the configured maximum number of conditions (conditions: {count}, max: {maxConditions})");
        }

        var position = 0;
        var cubes = Dnf(filter, ref position);
        var ordered = cubes.Select((c, i) => (Cube: c, Order: i))
            .OrderByDescending(c => c.Cube.Count)
            .ThenBy(c => c.Order)
            .Select(c => c.Cube)
            .ToList();

        var result = new List<List<CanonicalCondition>>();
        foreach (var cube in ordered)
        {
            var subresult = new List<CanonicalCondition>();
            var ors = new List<List<CanonicalCondition>>();
            foreach (var index in cube)
            {
                var variable = variables[index];
                if (variable.Group is { } group)
                {
                    var conditions = group.Items.Select(ToCondition).ToList();
                    if (group.IsAnd)
                    {
                        subresult.AddRange(conditions);
                    }
                    else
                    {
                        ors.Add(conditions);
                    }
                }
                else
                {
                    subresult.Add(new CanonicalCondition(variable.Term!, variable.Negated));
                }
            }

            if (ors.Count == 0)
            {
                if (subresult.Count > 0)
                {
                    result.Add(subresult);
                }

                continue;
            }

            var total = ors.Aggregate(1L, (acc, o) => acc * o.Count);
            if (result.Count + total > maxSubfilters)
            {
                throw TooManySubfilters(maxSubfilters);
            }

            // Cartesian product, first list varying fastest (ts-combinatorics order).
            for (long n = 0; n < total; n++)
            {
                var combination = new List<CanonicalCondition>(subresult);
                var rest = n;
                foreach (var list in ors)
                {
                    combination.Add(list[(int)(rest % list.Count)]);
                    rest /= list.Count;
                }

                result.Add(combination);
            }
        }

        result = ImpossiblePredicates.Remove(result);
        if (result.Count == 0)
        {
            return [[CanonicalCondition.NothingLeft]];
        }

        foreach (var subfilter in result)
        {
            // List.Sort is not stable: order by keyword, then by position.
            var sorted = subfilter.Select((c, i) => (c, i))
                .OrderBy(x => x.c.Term.Keyword, StringComparer.Ordinal)
                .ThenBy(x => x.i)
                .Select(x => x.c)
                .ToList();
            subfilter.Clear();
            subfilter.AddRange(sorted);
        }

        return result;
    }

    private static CanonicalCondition ToCondition(FilterNode node) => node switch
    {
        NotNode { Inner: TermNode t } => new CanonicalCondition(t.Term, not: true),
        TermNode t => new CanonicalCondition(t.Term, not: false),
        _ => throw new InvalidOperationException("leaf groups hold terms only"),
    };

    private static void Extract(FilterNode node, bool negated, List<Variable> variables)
    {
        switch (node)
        {
            case NotNode n:
                Extract(n.Inner, !negated, variables);
                break;
            case GroupNode { IsLeaf: true } g:
                variables.Add(new Variable(null, g, negated));
                break;
            case GroupNode g:
                foreach (var item in g.Items)
                {
                    Extract(item, negated, variables);
                }

                break;
            case TermNode t:
                variables.Add(new Variable(t.Term, null, negated));
                break;
        }
    }

    /// <summary>Distributed DNF over variable positions (each cube lists positions in increasing order).</summary>
    private List<List<int>> Dnf(FilterNode node, ref int position)
    {
        switch (node)
        {
            case NotNode n:
                return Dnf(n.Inner, ref position);
            case GroupNode { IsLeaf: false } g when g.IsAnd:
                List<List<int>> acc = [[]];
                foreach (var item in g.Items)
                {
                    var next = Dnf(item, ref position);
                    if ((long)acc.Count * next.Count > maxSubfilters)
                    {
                        throw TooManySubfilters(maxSubfilters);
                    }

                    acc = [.. acc.SelectMany(a => next.Select(b => (List<int>)[.. a, .. b]))];
                }

                return acc;
            case GroupNode { IsLeaf: false } g:
                var all = new List<List<int>>();
                foreach (var item in g.Items)
                {
                    all.AddRange(Dnf(item, ref position));
                }

                return all;
            default:
                return [[position++]];
        }
    }

    private static KoncordeException TooManySubfilters(int max) =>
        new($"Filter too complex: its normalised form exceeds the maximum number of subfilters (max: {max})");

    private sealed record Variable(Term? Term, GroupNode? Group, bool Negated);
}

/// <summary>Stable JSON of whole canonical filters.</summary>
internal static class CanonicalJson
{
    public static string Of(List<List<CanonicalCondition>> filter)
    {
        var sb = new StringBuilder();
        sb.Append('[');
        for (var i = 0; i < filter.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(SubfilterKey(filter[i]));
        }

        return sb.Append(']').ToString();
    }

    public static string SubfilterKey(List<CanonicalCondition> subfilter) => "[" + string.Join(',', subfilter.Select(c => c.Key)) + "]";
}

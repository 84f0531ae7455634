namespace Kuzzle.Realtime.Koncorde.Transform;

/// <summary>A standardised filter: and/or groups, negations pushed onto terms, terms.</summary>
internal abstract class FilterNode;

/// <summary>
/// An and/or group. <see cref="IsLeaf"/> marks groups holding terms only: the canonical form treats such a
/// group as a single boolean variable, exactly as Koncorde does (this is what keeps ids of simple filters stable).
/// </summary>
internal sealed class GroupNode(bool isAnd, List<FilterNode> items, bool isLeaf) : FilterNode
{
    public bool IsAnd { get; } = isAnd;
    public List<FilterNode> Items { get; } = items;
    public bool IsLeaf { get; set; } = isLeaf;
}

/// <summary>A negated node (after standardisation, only ever a term).</summary>
internal sealed class NotNode(FilterNode inner) : FilterNode
{
    public FilterNode Inner { get; } = inner;
}

internal sealed class TermNode(Term term) : FilterNode
{
    public Term Term { get; } = term;
}

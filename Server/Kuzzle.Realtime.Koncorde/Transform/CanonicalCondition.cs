using Kuzzle.Realtime.Koncorde.Json;

namespace Kuzzle.Realtime.Koncorde.Transform;

/// <summary>A condition of the canonical form: a term and whether it is negated.</summary>
internal sealed class CanonicalCondition
{
    /// <summary>What remains when every subfilter is impossible: Koncorde writes it without a "not" key.</summary>
    public static readonly CanonicalCondition NothingLeft = new(Term.Nothing(), not: false, bare: true);

    public CanonicalCondition(Term term, bool not, bool bare = false)
    {
        Term = term;
        Not = not;
        Json = term.Kind == TermKind.Everything || bare
            ? Term.Obj((term.Keyword, JsValue.True))
            : Term.Obj((term.Keyword, term.Value), ("not", JsValue.FromBoolean(not)));
        Key = StableJson.Stringify(Json);
    }

    public Term Term { get; }
    public bool Not { get; }

    /// <summary>The condition as Koncorde writes it: <c>{"&lt;keyword&gt;": value, "not": bool}</c>.</summary>
    public JsValue Json { get; }

    /// <summary>Stable JSON of <see cref="Json"/>: identity of the condition.</summary>
    public string Key { get; }
}

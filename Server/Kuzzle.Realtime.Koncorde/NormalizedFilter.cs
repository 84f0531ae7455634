using Kuzzle.Realtime.Koncorde.Transform;

namespace Kuzzle.Realtime.Koncorde;

/// <summary>A validated filter in canonical form, with its id (the room id). Obtained from <see cref="KoncordeEngine.Normalize"/>.</summary>
public sealed class NormalizedFilter
{
    internal NormalizedFilter(string id, string index, List<List<CanonicalCondition>> subfilters, string canonicalJson)
    {
        Id = id;
        Index = index;
        Subfilters = subfilters;
        CanonicalJson = canonicalJson;
    }

    /// <summary>64 lowercase hex characters, identical to Koncorde's for the same filter, index and seed.</summary>
    public string Id { get; }

    /// <summary>"&lt;index&gt;/&lt;collection&gt;".</summary>
    public string Index { get; }

    /// <summary>The canonical form as stable JSON (an OR of AND-ed conditions), as Koncorde hashes it.</summary>
    public string CanonicalJson { get; }

    internal List<List<CanonicalCondition>> Subfilters { get; }
}

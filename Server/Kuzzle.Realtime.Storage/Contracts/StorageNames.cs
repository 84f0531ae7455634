namespace Kuzzle.Realtime.Storage;

/// <summary>Argument checks shared by both implementations, so both reject the same inputs.</summary>
internal static class StorageNames
{
    // WARNING: the Redis key layout relies on collections and term fields holding no ':' (ids and values may hold anything
    // because they always come last in a key).
    public static void ValidateCollection(string collection)
    {
        ArgumentException.ThrowIfNullOrEmpty(collection);
        if (collection.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("A collection name must not contain ':'.", nameof(collection));
        }
    }

    public static void ValidateField(string field)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        if (field.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("A term field must not contain ':'.", nameof(field));
        }
    }

    public static void ValidateId(string id, string paramName = "id") => ArgumentException.ThrowIfNullOrEmpty(id, paramName);

    public static void ValidatePage(int from, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
    }

    /// <summary>Checks terms and removes duplicates, keeping the first-seen order.</summary>
    public static IReadOnlyList<IndexTerm> ValidateTerms(IReadOnlyCollection<IndexTerm>? terms)
    {
        if (terms is null || terms.Count == 0)
        {
            return [];
        }

        var unique = new List<IndexTerm>(terms.Count);
        var seen = new HashSet<IndexTerm>();
        foreach (var term in terms)
        {
            ValidateField(term.Field);
            ArgumentNullException.ThrowIfNull(term.Value, nameof(terms));
            if (seen.Add(term))
            {
                unique.Add(term);
            }
        }

        return unique;
    }
}

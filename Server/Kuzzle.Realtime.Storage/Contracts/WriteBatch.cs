namespace Kuzzle.Realtime.Storage;

/// <summary>The kind of a batched write.</summary>
public enum WriteKind
{
    /// <summary>Create; fails when the document exists.</summary>
    Create,

    /// <summary>Replace; create-or-replace without a condition.</summary>
    Replace,

    /// <summary>Delete; a no-op on a missing document without a condition.</summary>
    Delete,
}

/// <summary>One write of a <see cref="WriteBatch"/>. <see cref="Json"/> is null for deletes.</summary>
public sealed record WriteOperation(
    WriteKind Kind, string Collection, string Id, string? Json, long? ExpectedVersion, IReadOnlyList<IndexTerm> Terms);

/// <summary>The outcome of one batched write.</summary>
/// <param name="Version">The new version after a Create or Replace; for a Delete the deleted version, or 0 when nothing existed.</param>
public sealed record WriteResult(WriteKind Kind, string Collection, string Id, long Version);

/// <summary>
/// Writes across collections applied all-or-nothing by <see cref="IDocumentStore.ExecuteAsync"/>.
/// </summary>
/// <remarks>
/// WARNING: a batch touches each (collection, id) at most once. Conditions are all checked against the state before the batch,
/// which is only equivalent to sequential application when no document repeats, so a repeat is rejected here.
/// </remarks>
public sealed class WriteBatch
{
    private readonly List<WriteOperation> _operations = [];
    private readonly HashSet<(string Collection, string Id)> _targets = [];

    /// <summary>The operations in the order they were added.</summary>
    public IReadOnlyList<WriteOperation> Operations => _operations;

    /// <summary>Adds a Create.</summary>
    public WriteBatch Create(string collection, string id, string json, IReadOnlyCollection<IndexTerm>? terms = null)
        => Add(WriteKind.Create, collection, id, json, null, terms);

    /// <summary>Adds a Replace; <paramref name="expectedVersion"/> null means create-or-replace.</summary>
    public WriteBatch Replace(string collection, string id, string json, long? expectedVersion = null, IReadOnlyCollection<IndexTerm>? terms = null)
        => Add(WriteKind.Replace, collection, id, json, expectedVersion, terms);

    /// <summary>Adds a Delete; <paramref name="expectedVersion"/> null means delete-if-present.</summary>
    public WriteBatch Delete(string collection, string id, long? expectedVersion = null)
        => Add(WriteKind.Delete, collection, id, null, expectedVersion, null);

    private WriteBatch Add(WriteKind kind, string collection, string id, string? json, long? expectedVersion, IReadOnlyCollection<IndexTerm>? terms)
    {
        StorageNames.ValidateCollection(collection);
        StorageNames.ValidateId(id);
        if (json is not null)
        {
            JsonObjectText.Validate(json);
        }

        if (expectedVersion is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(expectedVersion), expectedVersion, "Versions start at 1.");
        }

        var termList = StorageNames.ValidateTerms(terms);
        if (!_targets.Add((collection, id)))
        {
            throw new ArgumentException($"The batch already writes '{id}' in '{collection}'.", nameof(id));
        }

        _operations.Add(new WriteOperation(kind, collection, id, json, expectedVersion, termList));
        return this;
    }
}

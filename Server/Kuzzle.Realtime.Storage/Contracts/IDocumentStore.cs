namespace Kuzzle.Realtime.Storage;

/// <summary>
/// Versioned JSON documents in named collections ("users", "profiles", "roles", "credentials/local", "api-keys", "config", ...),
/// with optional secondary lookup terms per document.
/// </summary>
/// <remarks>
/// Every write replaces the document's whole term set with the terms it carries (none when <c>terms</c> is null or empty).
/// Collection names and term fields must not contain ':'; ids may hold any character. Ordering is ordinal by id.
/// Conditions (<c>expectedVersion</c>) are checked and applied atomically, so concurrent writers never lose an update.
/// </remarks>
public interface IDocumentStore
{
    /// <summary>Reads one document; null when it does not exist.</summary>
    Task<StoredDocument?> GetAsync(string collection, string id, CancellationToken cancellationToken = default);

    /// <summary>Reads several documents: found ones in the order of <paramref name="ids"/> (duplicates once), missing ones omitted.</summary>
    Task<IReadOnlyList<StoredDocument>> GetManyAsync(string collection, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default);

    /// <summary>Creates a document at version 1 (a batch of one write, so both stores share one write path).</summary>
    /// <exception cref="DocumentExistsException">The id is taken.</exception>
    async Task<StoredDocument> CreateAsync(
        string collection, string id, string json, IReadOnlyCollection<IndexTerm>? terms = null, CancellationToken cancellationToken = default)
    {
        var result = await ExecuteAsync(new WriteBatch().Create(collection, id, json, terms), cancellationToken).ConfigureAwait(false);
        return new StoredDocument(id, json, result[0].Version);
    }

    /// <summary>
    /// Replaces a document. With <paramref name="expectedVersion"/> null it creates or replaces unconditionally;
    /// otherwise the current version must equal it.
    /// </summary>
    /// <exception cref="VersionConflictException">The current version differs from <paramref name="expectedVersion"/>.</exception>
    /// <exception cref="DocumentNotFoundException"><paramref name="expectedVersion"/> was given and the document does not exist.</exception>
    async Task<StoredDocument> ReplaceAsync(
        string collection,
        string id,
        string json,
        long? expectedVersion = null,
        IReadOnlyCollection<IndexTerm>? terms = null,
        CancellationToken cancellationToken = default)
    {
        var result = await ExecuteAsync(new WriteBatch().Replace(collection, id, json, expectedVersion, terms), cancellationToken).ConfigureAwait(false);
        return new StoredDocument(id, json, result[0].Version);
    }

    /// <summary>Deletes a document and its terms; false when there was nothing to delete (and no condition was given).</summary>
    /// <exception cref="VersionConflictException">The current version differs from <paramref name="expectedVersion"/>.</exception>
    /// <exception cref="DocumentNotFoundException"><paramref name="expectedVersion"/> was given and the document does not exist.</exception>
    async Task<bool> DeleteAsync(string collection, string id, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        var result = await ExecuteAsync(new WriteBatch().Delete(collection, id, expectedVersion), cancellationToken).ConfigureAwait(false);
        return result[0].Version > 0;
    }

    /// <summary>Counts the documents of a collection.</summary>
    Task<long> CountAsync(string collection, CancellationToken cancellationToken = default);

    /// <summary>Lists a collection ordered by id, skipping <paramref name="from"/> documents and returning at most <paramref name="size"/>.</summary>
    Task<DocumentPage> ListAsync(string collection, int from, int size, CancellationToken cancellationToken = default);

    /// <summary>Lists the documents carrying the term (<paramref name="field"/>, <paramref name="value"/>), ordered by id.</summary>
    Task<DocumentPage> FindByTermAsync(string collection, string field, string value, int from, int size, CancellationToken cancellationToken = default);

    /// <summary>Counts the documents carrying the term (<paramref name="field"/>, <paramref name="value"/>).</summary>
    Task<long> CountByTermAsync(string collection, string field, string value, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies every operation of <paramref name="batch"/> or none: when one condition fails, the matching exception is thrown
    /// and nothing is written.
    /// </summary>
    /// <returns>One result per operation, in batch order.</returns>
    /// <exception cref="DocumentExistsException">A Create targets an existing document.</exception>
    /// <exception cref="VersionConflictException">A conditional Replace or Delete found another version.</exception>
    /// <exception cref="DocumentNotFoundException">A conditional Replace or Delete targets a missing document.</exception>
    Task<IReadOnlyList<WriteResult>> ExecuteAsync(WriteBatch batch, CancellationToken cancellationToken = default);
}

using System.Text.Json;

namespace Kuzzle.Realtime.Strategies;

/// <summary>
/// Persistence the host provides to one strategy (Kuzzle gives each plugin a private storage index). Documents are
/// JSON objects grouped in collections the strategy names (local: <c>users</c>, <c>config</c>); each has a string id and
/// a version for optimistic concurrency. A store instance is private to one strategy: two strategies never see each
/// other's documents.
/// </summary>
/// <remarks>Implementations must be thread-safe and must return documents that later writes cannot change.</remarks>
public interface IStrategyCredentialStore
{
    /// <summary>Reads a document, or null when absent.</summary>
    ValueTask<StrategyDocument?> GetAsync(string collection, string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a document. <paramref name="expectedVersion"/> <see cref="StrategyDocument.Absent"/> (0) creates it and fails if it
    /// exists; any other value replaces it only if its current version equals that value.
    /// </summary>
    /// <returns>The new version (greater than 0).</returns>
    /// <exception cref="StrategyStoreConflictException">The document exists (create) or its version differs (replace).</exception>
    ValueTask<long> PutAsync(string collection, string id, JsonElement source, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Deletes a document if it exists and, when <paramref name="expectedVersion"/> is given, has that version.</summary>
    /// <returns>False when the document was absent.</returns>
    /// <exception cref="StrategyStoreConflictException">The document's version differs from <paramref name="expectedVersion"/>.</exception>
    ValueTask<bool> DeleteAsync(string collection, string id, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Documents whose top-level string property <paramref name="field"/> equals <paramref name="value"/> (exact, case-sensitive;
    /// local looks users up by <c>kuid</c>), in ascending id order, at most <paramref name="limit"/>.
    /// </summary>
    ValueTask<IReadOnlyList<StrategyDocument>> FindAsync(string collection, string field, string value, int limit, CancellationToken cancellationToken = default);
}

/// <summary>A stored strategy document.</summary>
/// <param name="Id">The document id (local: the username).</param>
/// <param name="Version">Its version, for <see cref="IStrategyCredentialStore.PutAsync"/> and <see cref="IStrategyCredentialStore.DeleteAsync"/>.</param>
/// <param name="Source">The JSON object as written.</param>
public sealed record StrategyDocument(string Id, long Version, JsonElement Source)
{
    /// <summary>The expected version that means "the document must not exist yet".</summary>
    public const long Absent = 0;
}

/// <summary>A write lost an optimistic-concurrency race, or a create found the document already there.</summary>
public sealed class StrategyStoreConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StrategyStoreConflictException()
        : base("The strategy document was changed or created concurrently.")
    {
    }

    /// <summary>Creates the exception with a message (never containing secrets).</summary>
    public StrategyStoreConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the store's own error.</summary>
    public StrategyStoreConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

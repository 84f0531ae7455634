using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Storage;

namespace Kuzzle.Realtime.Security.Store;

/// <summary>Read-modify-write with the stored version as a condition, retried on conflict: concurrent updates never lose a write.</summary>
internal static class OptimisticWrite
{
    /// <summary>
    /// Reads the document, builds its next state and writes it if nobody wrote meanwhile; retries up to
    /// <paramref name="retryOnConflict"/> times. <paramref name="missing"/> is thrown when the document does not exist.
    /// </summary>
    public static async Task<StoredDocument> UpdateAsync(
        IDocumentStore documents,
        string collection,
        string id,
        int retryOnConflict,
        Func<KuzzleException> missing,
        Func<StoredDocument, Task<(string Json, IReadOnlyCollection<IndexTerm>? Terms)>> next,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await documents.GetAsync(collection, id, cancellationToken).ConfigureAwait(false) ?? throw missing();
            var (json, terms) = await next(current).ConfigureAwait(false);
            try
            {
                return await documents.ReplaceAsync(collection, id, json, current.Version, terms, cancellationToken).ConfigureAwait(false);
            }
            catch (VersionConflictException) when (attempt < retryOnConflict)
            {
                // Someone wrote in between: start again from their version.
            }
            catch (VersionConflictException)
            {
                throw KuzzleErrors.Services.Storage.TooManyChanges.Create(id);
            }
            catch (DocumentNotFoundException)
            {
                throw missing();
            }
        }
    }
}

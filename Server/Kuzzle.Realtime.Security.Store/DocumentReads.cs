using Kuzzle.Realtime.Storage;

namespace Kuzzle.Realtime.Security.Store;

/// <summary>
/// Reads of security documents by ids that come from requests. The store refuses an empty id as a programming error; in a
/// request it simply names no document, so it is found nowhere instead.
/// </summary>
internal static class DocumentReads
{
    public static Task<StoredDocument?> FindAsync(this IDocumentStore documents, string collection, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.Length == 0 ? Task.FromResult<StoredDocument?>(null) : documents.GetAsync(collection, id, cancellationToken);
    }

    public static Task<IReadOnlyList<StoredDocument>> FindManyAsync(
        this IDocumentStore documents, string collection, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return ids.Any(id => id.Length == 0)
            ? documents.GetManyAsync(collection, [.. ids.Where(id => id.Length > 0)], cancellationToken)
            : documents.GetManyAsync(collection, ids, cancellationToken);
    }
}

using System.Text.Json;
using Kuzzle.Realtime.Storage;
using Kuzzle.Realtime.Strategies;

namespace Kuzzle.Realtime.Server.Security.Strategies;

/// <summary>
/// One strategy's private persistence over the server's document store: its collections live under
/// <c>strategies/&lt;name&gt;/&lt;collection&gt;</c>, and every top-level string field is a lookup term (the local strategy finds
/// credentials by <c>kuid</c>).
/// </summary>
public sealed class DocumentCredentialStore(IDocumentStore documents, string strategyName) : IStrategyCredentialStore
{
    private readonly string _prefix = "strategies/" + strategyName + "/";

    /// <inheritdoc />
    public async ValueTask<StrategyDocument?> GetAsync(string collection, string id, CancellationToken cancellationToken = default)
    {
        var stored = await documents.GetAsync(_prefix + collection, id, cancellationToken);
        return stored is null ? null : ToStrategyDocument(stored);
    }

    /// <inheritdoc />
    public async ValueTask<long> PutAsync(string collection, string id, JsonElement source, long expectedVersion, CancellationToken cancellationToken = default)
    {
        var json = source.GetRawText();
        var terms = Terms(source);
        try
        {
            var stored = expectedVersion == StrategyDocument.Absent
                ? await documents.CreateAsync(_prefix + collection, id, json, terms, cancellationToken)
                : await documents.ReplaceAsync(_prefix + collection, id, json, expectedVersion, terms, cancellationToken);
            return stored.Version;
        }
        catch (DocumentConditionException ex)
        {
            throw new StrategyStoreConflictException(ex.Message, ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string collection, string id, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await documents.DeleteAsync(_prefix + collection, id, expectedVersion, cancellationToken);
        }
        catch (DocumentNotFoundException)
        {
            return false;
        }
        catch (VersionConflictException ex)
        {
            throw new StrategyStoreConflictException(ex.Message, ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StrategyDocument>> FindAsync(string collection, string field, string value, int limit, CancellationToken cancellationToken = default)
    {
        var page = await documents.FindByTermAsync(_prefix + collection, field, value, 0, limit, cancellationToken);
        return page.Items.Select(ToStrategyDocument).ToList();
    }

    private static StrategyDocument ToStrategyDocument(StoredDocument stored)
    {
        using var doc = JsonDocument.Parse(stored.Json);
        return new StrategyDocument(stored.Id, stored.Version, doc.RootElement.Clone());
    }

    private static List<IndexTerm> Terms(JsonElement source)
    {
        var terms = new List<IndexTerm>();
        if (source.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in source.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.String && !p.Name.Contains(':', StringComparison.Ordinal))
                {
                    terms.Add(new IndexTerm(p.Name, p.Value.GetString()!));
                }
            }
        }

        return terms;
    }
}

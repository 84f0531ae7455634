using System.Text.Json;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Storage;

namespace Kuzzle.Realtime.Server.Security;

/// <summary>
/// Makes <c>security:createFirstAdmin</c> single-winner across concurrent requests and nodes: the caller must first create a claim
/// document (an atomic create in the shared store); the loser gets <c>api.process.admin_exists</c>. A claim older than its lease
/// (a creator that died midway) can be taken over, and the claim is released once the attempt ends, successful or not.
/// </summary>
public sealed class FirstAdminClaim : IAsyncDisposable
{
    private const string Collection = "config";
    private const string Id = "security.first-admin-claim";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private readonly IDocumentStore _documents;
    private readonly long _version;

    private FirstAdminClaim(IDocumentStore documents, long version)
    {
        _documents = documents;
        _version = version;
    }

    /// <summary>Takes the claim, or throws <c>api.process.admin_exists</c> when another creation is under way.</summary>
    public static async Task<FirstAdminClaim> TakeAsync(IDocumentStore documents, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var json = "{\"claimedAt\":" + now.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}";
        try
        {
            var created = await documents.CreateAsync(Collection, Id, json, cancellationToken: cancellationToken);
            return new FirstAdminClaim(documents, created.Version);
        }
        catch (DocumentExistsException)
        {
            var existing = await documents.GetAsync(Collection, Id, cancellationToken);
            if (existing is not null && ClaimedAt(existing) + (long)Lease.TotalMilliseconds > now)
            {
                throw KuzzleErrors.Api.Process.AdminExists.Create();
            }

            try
            {
                var replaced = await documents.ReplaceAsync(Collection, Id, json, existing?.Version, cancellationToken: cancellationToken);
                return new FirstAdminClaim(documents, replaced.Version);
            }
            catch (DocumentConditionException)
            {
                throw KuzzleErrors.Api.Process.AdminExists.Create();
            }
        }
    }

    /// <summary>Releases the claim (only if it is still ours).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _documents.DeleteAsync(Collection, Id, _version);
        }
        catch (DocumentConditionException)
        {
            // Taken over after our lease ran out: not ours to delete.
        }
    }

    private static long ClaimedAt(StoredDocument document)
    {
        using var parsed = JsonDocument.Parse(document.Json);
        return parsed.RootElement.TryGetProperty("claimedAt", out var at) && at.TryGetInt64(out var ms) ? ms : 0;
    }
}

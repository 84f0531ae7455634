using System.Text.Json.Nodes;
using Kuzzle.Realtime.Server.Storage;
using Kuzzle.Realtime.Storage;
using Kuzzle.Realtime.Protocol.Errors;

namespace Kuzzle.Realtime.Server.Security;

/// <summary>Users as stored in the shared user collection; the anonymous user (<c>-1</c>) lives in memory (auth.md §1).</summary>
public sealed class StoredUserDirectory(ServerStorage storage) : IUserDirectory
{
    /// <summary>The anonymous user as Kuzzle serializes it.</summary>
    public static JsonObject Anonymous() => new()
    {
        ["_id"] = "-1",
        ["_source"] = new JsonObject { ["profileIds"] = new JsonArray("anonymous"), ["name"] = "Anonymous" },
    };

    /// <inheritdoc />
    public async ValueTask<bool> ExistsAsync(string kuid, CancellationToken cancellationToken) =>
        kuid is "-1" or "anonymous" || await ReadAsync(kuid, cancellationToken) is not null;

    /// <inheritdoc />
    public async ValueTask<JsonObject?> GetAsync(string kuid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kuid);
        if (kuid is "-1" or "anonymous")
        {
            return Anonymous();
        }

        var stored = await ReadAsync(kuid, cancellationToken);
        return stored is null ? null : new JsonObject { ["_id"] = stored.Id, ["_source"] = JsonNode.Parse(stored.Json) };
    }

    private async ValueTask<StoredDocument?> ReadAsync(string kuid, CancellationToken cancellationToken)
    {
        try
        {
            return await storage.Shared.Documents.GetAsync(ServerStorage.UsersCollection, kuid, cancellationToken);
        }
        catch (StorageUnavailableException)
        {
            throw KuzzleErrors.Services.Storage.NotConnected.Create();
        }
    }
}

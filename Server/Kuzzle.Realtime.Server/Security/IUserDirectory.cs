using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Server.Security;

/// <summary>What authentication needs to know about users: whether one exists, and how it is shown to itself.</summary>
public interface IUserDirectory
{
    /// <summary>True when the user exists (the anonymous user always does).</summary>
    ValueTask<bool> ExistsAsync(string kuid, CancellationToken cancellationToken);

    /// <summary>The serialized user <c>{"_id", "_source"}</c>, or null when unknown.</summary>
    ValueTask<JsonObject?> GetAsync(string kuid, CancellationToken cancellationToken);
}

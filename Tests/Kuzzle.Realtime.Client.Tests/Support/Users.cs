using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Client.Tests.Support;

/// <summary>Test users, created through the client's own security controller.</summary>
public static class Users
{
    /// <summary>Creates a user with local credentials (a fresh server lets anonymous do it).</summary>
    public static async Task CreateAsync(KuzzleClient client, string kuid, string username, string password, params string[] profiles)
    {
        ArgumentNullException.ThrowIfNull(client);
        await client.Security.CreateUserAsync(kuid, new JsonObject
        {
            ["content"] = new JsonObject { ["profileIds"] = new JsonArray([.. (profiles.Length == 0 ? ["default"] : profiles).Select(p => (JsonNode)p)]) },
            ["credentials"] = new JsonObject { ["local"] = new JsonObject { ["username"] = username, ["password"] = password } },
        }, refresh: "wait_for");
    }

    /// <summary>Local credentials.</summary>
    public static JsonObject Local(string username, string password) => new() { ["username"] = username, ["password"] = password };
}

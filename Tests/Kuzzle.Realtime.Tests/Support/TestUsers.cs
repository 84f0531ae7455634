using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Tests.Support;

/// <summary>
/// Users for tests, created the way clients create them: <c>security:createUser</c> with local credentials (anonymously, which a
/// fresh server's bootstrap rights allow).
/// </summary>
public static class TestUsers
{
    /// <summary>Creates a user with the given profiles and a local username/password (fails the test on any error).</summary>
    public static async Task CreateAsync(TestServer server, string kuid, string username, string password, params string[] profileIds)
    {
        ArgumentNullException.ThrowIfNull(server);
        var profiles = JsonSerializer.Serialize(profileIds.Length == 0 ? ["default"] : profileIds);
        await using var admin = await server.ConnectAsync();
        var created = await admin.RequestAsync(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["controller"] = "security",
            ["action"] = "createUser",
            ["_id"] = kuid,
            ["requestId"] = "create-" + kuid,
            ["body"] = new JsonObject
            {
                ["content"] = new JsonObject { ["profileIds"] = JsonNode.Parse(profiles), ["name"] = username },
                ["credentials"] = new JsonObject { ["local"] = new JsonObject { ["username"] = username, ["password"] = password } },
            },
        }));
        Assert.That(created.GetProperty("status").GetInt32(), Is.EqualTo(200), created.ToString());
    }

    /// <summary>Logs in over a socket and returns the token.</summary>
    public static async Task<string> LoginAsync(WsClient client, string username, string password, string? expiresIn = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var expires = expiresIn is null ? "" : $",\"expiresIn\":\"{expiresIn}\"";
        var response = await client.RequestAsync(
            $$"""{"controller":"auth","action":"login","strategy":"local","requestId":"login-{{Guid.NewGuid():N}}","body":{"username":"{{username}}","password":"{{password}}"}{{expires}}}""");
        Assert.That(response.GetProperty("status").GetInt32(), Is.EqualTo(200), response.ToString());
        return response.GetProperty("result").GetProperty("jwt").GetString()!;
    }
}

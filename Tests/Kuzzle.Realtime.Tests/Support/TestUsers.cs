using System.Text.Json;
using Kuzzle.Realtime.Server.Security.Strategies;
using Kuzzle.Realtime.Server.Storage;
using Kuzzle.Realtime.Storage;
using Kuzzle.Realtime.Strategies;
using Microsoft.Extensions.DependencyInjection;

namespace Kuzzle.Realtime.Tests.Support;

/// <summary>Creates users with local credentials in a running server's stores, for tests about what users do once they exist.</summary>
public static class TestUsers
{
    /// <summary>Stores a user with the given profiles and a local username/password.</summary>
    public static async Task CreateAsync(TestServer server, string kuid, string username, string password, params string[] profileIds)
    {
        ArgumentNullException.ThrowIfNull(server);
        var storage = server.Services.GetRequiredService<ServerStorage>();
        var profiles = profileIds.Length == 0 ? ["default"] : profileIds;
        var json = JsonSerializer.Serialize(new Dictionary<string, object> { ["profileIds"] = profiles, ["name"] = username });
        await storage.Shared.Documents.CreateAsync(
            ServerStorage.UsersCollection, kuid, json, [.. profiles.Select(p => new IndexTerm("profileIds", p))]);
        var registry = server.Services.GetRequiredService<StrategyRegistry>();
        Assert.That(registry.TryGet("local", out var local), Is.True);
        using var credentials = JsonDocument.Parse(JsonSerializer.Serialize(new { username, password }));
        await local.CreateAsync(StrategyCallContext.Internal, credentials.RootElement, kuid);
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

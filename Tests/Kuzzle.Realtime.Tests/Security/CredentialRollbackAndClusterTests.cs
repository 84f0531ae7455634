using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Security.Store;
using Kuzzle.Realtime.Strategies;
using Kuzzle.Realtime.Tests.Support;
using static Kuzzle.Realtime.Tests.Security.SecurityApi;

[assembly: StrategyPlugin(typeof(Kuzzle.Realtime.Tests.Security.BrittleStrategyPlugin))]

namespace Kuzzle.Realtime.Tests.Security;

/// <summary>User creation that fails half-way leaves nothing behind; rights changes reach every node sharing a Redis.</summary>
[TestFixture]
public sealed class CredentialRollbackAndClusterTests
{
    [Test]
    public async Task A_strategy_failing_after_the_user_was_written_rolls_everything_back()
    {
        var assembly = typeof(BrittleStrategyPlugin).Assembly.Location;
        await using var server = await TestServer.StartAsync($"--Kuzzle:Auth:Strategies:brittle:Assembly={assembly}");
        await using var ws = await server.ConnectAsync();
        var api = new SecurityApi(ws);
        var username = "roll-" + Guid.NewGuid().ToString("N")[..8];
        var credentials = $$$"""{"local":{"username":"{{{username}}}","password":"Secret-pass-123"},"brittle":{}}""";

        var failed = await api.SecurityAsync("createUser", new JsonObject { ["_id"] = "half" }, Json($$"""{"content":{"profileIds":["default"]},"credentials":{{credentials}}}"""));
        Assert.That(Status(failed), Is.EqualTo(500), failed.ToString());
        Assert.That(ErrorId(await api.SecurityAsync("getUser", new JsonObject { ["_id"] = "half" })), Is.EqualTo("security.user.not_found"));
        Assert.That(Result(await api.SecurityAsync("hasCredentials", new JsonObject { ["_id"] = "half", ["strategy"] = "local" })).GetBoolean(), Is.False);

        // The username is free again: no orphan credentials kept it.
        var retry = await api.SecurityAsync("createUser", new JsonObject { ["_id"] = "whole" },
            Json("""{"content":{"profileIds":["default"]},"credentials":{"local":{"username":"USER","password":"Secret-pass-123"}}}""".Replace("USER", username, StringComparison.Ordinal)));
        Assert.That(Status(retry), Is.EqualTo(200), retry.ToString());
    }

    [Test]
    [Category("Redis")]
    public async Task A_rights_change_on_one_node_applies_to_the_next_requests_on_another()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var nodeA = await TestServer.StartAsync("--redis", redis.ConnectionString, "--node-id", "a");
        await using var nodeB = await TestServer.StartAsync("--redis", redis.ConnectionString, "--node-id", "b");
        await using var ws = await nodeB.ConnectAsync();
        var api = new SecurityApi(ws);
        Assert.That(Status(await api.CallAsync("server", "now")), Is.EqualTo(200));

        var store = nodeA.Services.GetRequiredService<SecurityStore>();
        await store.Bootstrap.RestrictDefaultRightsAsync();
        await WaitForStatusAsync(api, 401);

        using var role = JsonDocument.Parse("""{"controllers":{"auth":{"actions":{"login":true}},"server":{"actions":{"now":true}}}}""");
        await store.Roles.UpdateAsync("anonymous", role.RootElement, null, false, 10);
        await WaitForStatusAsync(api, 200);
    }

    private static async Task WaitForStatusAsync(SecurityApi api, int expected)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        int status;
        while ((status = Status(await api.CallAsync("server", "now"))) != expected)
        {
            Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), $"still {status}");
            await Task.Delay(10);
        }
    }
}

/// <summary>A strategy whose credentials always validate but can never be stored: it makes a user creation fail half-way.</summary>
public sealed class BrittleStrategyPlugin : StrategyPlugin
{
    /// <inheritdoc />
    public override string DefaultName => "brittle";

    /// <inheritdoc />
    public override ValueTask<IAuthenticationStrategy> CreateAsync(StrategyContext context, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IAuthenticationStrategy>(new BrittleStrategy(context.Name));
}

/// <summary>The strategy of <see cref="BrittleStrategyPlugin"/>.</summary>
public sealed class BrittleStrategy(string name) : IAuthenticationStrategy
{
    public string Name { get; } = name;

    public IReadOnlyList<string> Fields { get; } = [];

    public StrategyFeatures Features => StrategyFeatures.None;

    public ValueTask<StrategyVerifyResult> VerifyAsync(StrategyLoginRequest request, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(StrategyVerifyResult.Failure("never"));

    public ValueTask<bool> ExistsAsync(StrategyCallContext context, string kuid, CancellationToken cancellationToken = default) => ValueTask.FromResult(false);

    public ValueTask<JsonObject> CreateAsync(StrategyCallContext context, JsonElement credentials, string kuid, CancellationToken cancellationToken = default) =>
        throw new StrategyException(500, "storage for brittle credentials is gone");

    public ValueTask<JsonObject> UpdateAsync(StrategyCallContext context, JsonElement credentials, string kuid, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new JsonObject());

    public ValueTask DeleteAsync(StrategyCallContext context, string kuid, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask ValidateAsync(StrategyCallContext context, JsonElement credentials, string kuid, bool isUpdate, CancellationToken cancellationToken = default) =>
        ValueTask.CompletedTask;
}

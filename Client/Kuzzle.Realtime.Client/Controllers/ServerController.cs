using System.Text.Json;

namespace Kuzzle.Realtime.Client.Controllers;

/// <summary>The <c>server</c> controller (kuzzle-sdk's <c>kuzzle.server</c>).</summary>
public sealed class ServerController : ControllerBase
{
    internal ServerController(KuzzleClient client)
        : base(client, "server")
    {
    }

    /// <summary>Server clock.</summary>
    public async Task<DateTimeOffset> NowAsync(CancellationToken cancellationToken = default)
    {
        var now = await ResultPropertyAsync(Request("now"), "now", cancellationToken).ConfigureAwait(false);
        return DateTimeOffset.FromUnixTimeMilliseconds(now.GetInt64());
    }

    /// <summary>Whether an administrator account exists.</summary>
    public Task<bool> AdminExistsAsync(CancellationToken cancellationToken = default) =>
        ResultBooleanAsync(Request("adminExists"), "exists", cancellationToken);

    /// <summary>Server information (<c>{"serverInfo": …}</c>).</summary>
    public Task<JsonElement> InfoAsync(CancellationToken cancellationToken = default) => ResultAsync(Request("info"), cancellationToken);

    /// <summary>Effective configuration.</summary>
    public Task<JsonElement> GetConfigAsync(CancellationToken cancellationToken = default) => ResultAsync(Request("getConfig"), cancellationToken);

    /// <summary>Capabilities (limits, routes, services, version).</summary>
    public Task<JsonElement> CapabilitiesAsync(CancellationToken cancellationToken = default) => ResultAsync(Request("capabilities"), cancellationToken);

    /// <summary>Health of the server and its services.</summary>
    public Task<JsonElement> HealthCheckAsync(CancellationToken cancellationToken = default) => ResultAsync(Request("healthCheck"), cancellationToken);

    /// <summary>Metrics (<c>api</c>, <c>network</c>, <c>realtime</c>).</summary>
    public Task<JsonElement> MetricsAsync(CancellationToken cancellationToken = default) => ResultAsync(Request("metrics"), cancellationToken);

    /// <summary>The API definition (deprecated on the server but still served).</summary>
    public Task<JsonElement> PublicApiAsync(CancellationToken cancellationToken = default) => ResultAsync(Request("publicApi"), cancellationToken);

    /// <summary>The OpenAPI document (JSON).</summary>
    public async Task<JsonElement> OpenApiAsync(CancellationToken cancellationToken = default)
    {
        var request = Request("openapi");
        request["format"] = "json";
        var response = await QueryAsync(request, cancellationToken).ConfigureAwait(false);
        // A raw response: over WebSocket the document itself is the message (with a room key added).
        return response.Raw.TryGetProperty("result", out var result) && !response.Raw.TryGetProperty("swagger", out _) ? result : response.Raw;
    }

    /// <summary>Statistics frames between two instants (deprecated on the server).</summary>
    public Task<JsonElement> GetStatsAsync(DateTimeOffset startTime, DateTimeOffset stopTime, CancellationToken cancellationToken = default)
    {
        var request = Request("getStats");
        request["startTime"] = startTime.ToUnixTimeMilliseconds();
        request["stopTime"] = stopTime.ToUnixTimeMilliseconds();
        return ResultAsync(request, cancellationToken);
    }

    /// <summary>The last statistics frame (deprecated on the server).</summary>
    public Task<JsonElement> GetLastStatsAsync(CancellationToken cancellationToken = default) => ResultAsync(Request("getLastStats"), cancellationToken);

    /// <summary>Every statistics frame kept (deprecated on the server).</summary>
    public Task<JsonElement> GetAllStatsAsync(CancellationToken cancellationToken = default) => ResultAsync(Request("getAllStats"), cancellationToken);
}

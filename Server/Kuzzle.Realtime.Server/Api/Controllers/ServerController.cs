using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Responses;
using Kuzzle.Realtime.Server.Configuration;
using Kuzzle.Realtime.Server.Diagnostics;
using Kuzzle.Realtime.Server.Hosting;

namespace Kuzzle.Realtime.Server.Api.Controllers;

/// <summary>Whether an administrator exists (<c>server:adminExists</c>); the security layer answers it from the user store.</summary>
public interface IAdminDirectory
{
    /// <summary>True when at least one user has the <c>admin</c> profile.</summary>
    ValueTask<bool> AdminExistsAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The <c>server</c> controller (server.md). Errors: <c>api.assert.unexpected_argument</c> (openapi scope),
/// <c>api.assert.invalid_argument</c> (stats dates), <c>core.fatal.service_unavailable</c> (health), <c>core.fatal.unexpected_error</c> (stats off).
/// </summary>
public sealed class ServerController(
    ServerInfo info,
    Lazy<ApiDescription> api,
    ApiMetrics metrics,
    RequestGate gate,
    IRealtimeStatistics realtime,
    StatsRecorder stats,
    IAdminDirectory admins,
    ServiceHealth health,
    EffectiveSettings settings,
    TimeProvider time) : IApiController
{
    private static readonly string[] OpenApiScopes = ["kuzzle", "app"];

    /// <inheritdoc />
    public string Name => "server";

    /// <inheritdoc />
    public void Register(ControllerTableBuilder table)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.Add(Name, "adminExists", AdminExistsAsync)
            .Add(Name, "capabilities", (_, _) => Result(Capabilities()))
            .Add(Name, "getAllStats", (_, _) => Result(StatsPage(stats.Range(null, null))))
            .Add(Name, "getConfig", (_, _) => Result(Config()))
            .Add(Name, "getLastStats", (_, _) => Result(GuardStats(() => stats.Last())))
            .Add(Name, "getStats", GetStatsAsync)
            .Add(Name, "healthCheck", HealthCheckAsync)
            .Add(Name, "info", (_, _) => Result(Info()))
            .Add(Name, "metrics", (_, _) => Result(Metrics()))
            .Add(Name, "now", (_, _) => ValueTask.FromResult<ApiResult?>(new NowResult(time.GetUtcNow().ToUnixTimeMilliseconds())))
            .Add(Name, "publicApi", (_, _) => Result(api.Value.PublicApi()))
            .Add(Name, "openapi", OpenApi);
    }

    private static ValueTask<ApiResult?> Result(JsonNode node) => ValueTask.FromResult<ApiResult?>(ApiResult.From(node));

    private async ValueTask<ApiResult?> AdminExistsAsync(RequestContext context, CancellationToken cancellationToken) =>
        ApiResult.From(new JsonObject { ["exists"] = await admins.AdminExistsAsync(cancellationToken) });

    private JsonObject Info()
    {
        var process = Environment.WorkingSet;
        var gc = GC.GetGCMemoryInfo();
        var uptime = (time.GetUtcNow() - info.StartedAt).TotalSeconds;
        return new JsonObject
        {
            ["serverInfo"] = new JsonObject
            {
                ["kuzzle"] = new JsonObject
                {
                    ["api"] = new JsonObject { ["routes"] = api.Value.PublicApi() },
                    ["application"] = new JsonObject { ["name"] = ServerInfo.ProductName, ["version"] = info.ProductVersion, ["commit"] = info.Commit, ["controllers"] = new JsonObject(), ["pipes"] = new JsonArray(), ["hooks"] = new JsonArray() },
                    ["memoryUsed"] = process,
                    ["nodeVersion"] = Environment.Version.ToString(),
                    ["plugins"] = new JsonObject(),
                    ["system"] = new JsonObject
                    {
                        ["cpus"] = new JsonArray(Enumerable.Range(0, Environment.ProcessorCount).Select(_ => (JsonNode)new JsonObject()).ToArray()),
                        ["memory"] = new JsonObject { ["free"] = Math.Max(0, gc.TotalAvailableMemoryBytes - process), ["total"] = gc.TotalAvailableMemoryBytes },
                    },
                    ["uptime"] = uptime.ToString("0.000", CultureInfo.InvariantCulture) + "s",
                    ["version"] = ServerInfo.ApiVersion,
                },
                ["services"] = health.Describe(),
            },
        };
    }

    private JsonObject Capabilities() => new()
    {
        ["limits"] = LimitsNode(),
        ["plugins"] = new JsonObject(),
        ["routes"] = api.Value.PublicApi(),
        ["services"] = health.Describe(),
        ["version"] = ServerInfo.ApiVersion,
    };

    private JsonObject LimitsNode()
    {
        var l = settings.Options.Limits;
        return new JsonObject
        {
            ["concurrentRequests"] = l.ConcurrentRequests,
            ["documentsFetchCount"] = l.DocumentsFetchCount,
            ["documentsWriteCount"] = l.DocumentsWriteCount,
            ["loginsPerSecond"] = l.LoginsPerSecond,
            ["requestsBufferSize"] = l.RequestsBufferSize,
            ["requestsBufferWarningThreshold"] = l.RequestsBufferWarningThreshold,
            ["subscriptionConditionsCount"] = l.SubscriptionConditionsCount,
            ["subscriptionMinterms"] = l.SubscriptionMinterms,
            ["subscriptionRooms"] = l.SubscriptionRooms,
            ["subscriptionDocumentTTL"] = l.SubscriptionDocumentTTL,
        };
    }

    // The whole effective configuration minus Kuzzle's exclusions (server.md: the entire security section) and minus every
    // secret-bearing value: the Redis connection string may carry a password.
    private JsonObject Config()
    {
        var node = JsonSerializer.SerializeToNode(settings.Options, ServerJsonContext.Default.KuzzleOptions)!.AsObject();
        node.Remove("security");
        if (node["server"] is JsonObject server && server["redis"] is not null)
        {
            server["redis"] = "(set)";
        }

        MaskSecrets(node);
        node["limits"] = LimitsNode();
        node["version"] = ServerInfo.ApiVersion;
        return node;
    }

    // Defence in depth: a setting added later whose name says it holds a secret is masked without anyone remembering to.
    private static void MaskSecrets(JsonObject node)
    {
        foreach (var (name, value) in node.ToList())
        {
            if (value is JsonObject child)
            {
                MaskSecrets(child);
            }
            else if (value is not null && (name.Contains("secret", StringComparison.OrdinalIgnoreCase)
                || name.Contains("password", StringComparison.OrdinalIgnoreCase)
                || name.Contains("credential", StringComparison.OrdinalIgnoreCase)))
            {
                node[name] = "(set)";
            }
        }
    }

    private async ValueTask<ApiResult?> HealthCheckAsync(RequestContext context, CancellationToken cancellationToken)
    {
        context.Input.TryGetArg("services", out var servicesArg);
        var only = servicesArg.ValueKind == JsonValueKind.String
            ? servicesArg.GetString()!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : null;
        var (services, allGreen, down) = await health.CheckAsync(only, cancellationToken);
        var result = new JsonObject { ["services"] = services, ["status"] = allGreen ? "green" : "red" };
        if (!allGreen)
        {
            // Kuzzle answers with both result and error, status 500.
            throw new KuzzleException(KuzzleErrors.Core.Fatal.ServiceUnavailable, string.Join(", ", down)) { Result = ApiResult.From(result) };
        }

        return ApiResult.From(result);
    }

    private JsonObject Metrics()
    {
        var connections = new JsonObject();
        foreach (var p in metrics.Protocols)
        {
            connections[p.Name == "http" ? "http/1.1" : p.Name] = p.Connections;
        }

        return new JsonObject
        {
            ["api"] = new JsonObject { ["concurrentRequests"] = gate.Executing, ["pendingRequests"] = gate.Pending },
            ["network"] = new JsonObject { ["connections"] = connections },
            ["realtime"] = new JsonObject { ["rooms"] = realtime.Rooms, ["subscriptions"] = realtime.Subscriptions },
        };
    }

    private ValueTask<ApiResult?> GetStatsAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var start = ParseDate(context, "startTime");
        var stop = ParseDate(context, "stopTime");
        return Result(StatsPage(GuardStats(() => stats.Range(start, stop))));
    }

    private T GuardStats<T>(Func<T> read) =>
        stats.Enabled ? read() : throw KuzzleErrors.Core.Fatal.UnexpectedError.Create("services.stats.not_available");

    private JsonObject StatsPage(IReadOnlyList<JsonObject> frames)
    {
        GuardStats(() => true);
        return new JsonObject { ["hits"] = new JsonArray(frames.Cast<JsonNode>().ToArray()), ["total"] = frames.Count };
    }

    private static long? ParseDate(RequestContext context, string name)
    {
        if (!context.Input.TryGetArg(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var ms))
        {
            return ms;
        }

        if (v.ValueKind == JsonValueKind.String)
        {
            var s = v.GetString()!;
            if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out ms))
            {
                return ms;
            }

            if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                return date.ToUnixTimeMilliseconds();
            }
        }

        throw KuzzleErrors.Api.Assert.InvalidArgument.Create(name, "a timestamp or a date");
    }

    private ValueTask<ApiResult?> OpenApi(RequestContext context, CancellationToken cancellationToken)
    {
        var format = context.Input.GetStringOrDefault("format", "json")!;
        var scope = context.Input.GetStringOrDefault("scope", "kuzzle")!;
        if (scope is not ("kuzzle" or "app"))
        {
            throw KuzzleErrors.Api.Assert.UnexpectedArgument.Create(scope, OpenApiScopes);
        }

        // scope=app: the application's own routes; this server has no application routes, so the document has no paths.
        var document = scope == "kuzzle" ? api.Value.OpenApi(ServerInfo.ApiVersion) : EmptyOpenApi();
        var element = JsonSerializer.SerializeToElement(document, ServerJsonContext.Default.JsonObject);
        context.Raw = format == "json"
            ? new RawResponse("application/json", element)
            : new RawResponse("application/" + format, JsonSerializer.SerializeToElement(YamlWriter.Write(element), ServerJsonContext.Default.String));
        return ValueTask.FromResult<ApiResult?>(null);
    }

    private static JsonObject EmptyOpenApi() => new()
    {
        ["swagger"] = "2.0",
        ["info"] = new JsonObject { ["title"] = "Kuzzle application API", ["version"] = ServerInfo.ApiVersion },
        ["paths"] = new JsonObject(),
    };

    /// <summary>The <c>{"now": ms}</c> result, written without a node tree: it is the hottest action.</summary>
    private sealed class NowResult(long now) : ApiResult
    {
        public override void WriteTo(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteNumber("now"u8, now);
            writer.WriteEndObject();
        }
    }
}

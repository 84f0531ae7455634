using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Responses;
using Kuzzle.Realtime.Server.Security.Strategies;

namespace Kuzzle.Realtime.Server.Api.Controllers;

/// <summary>The <c>auth</c> controller (auth.md §2). Served so far: <c>getStrategies</c>.</summary>
public sealed class AuthController(StrategyRegistry strategies) : IApiController
{
    /// <inheritdoc />
    public string Name => "auth";

    /// <inheritdoc />
    public void Register(ControllerTableBuilder table)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.Add(Name, "getStrategies", (_, _) =>
            ValueTask.FromResult<ApiResult?>(ApiResult.From(new JsonArray(strategies.Names.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()))));
    }
}

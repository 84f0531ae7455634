using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Responses;
using Kuzzle.Realtime.Protocol.Errors;

namespace Kuzzle.Realtime.Server.Api.Controllers;

/// <summary>The auth actions about the caller's own user: who am I, what may I do, update myself.</summary>
public sealed partial class AuthController
{
    private void RegisterUserActions(ControllerTableBuilder table) =>
        table.Add(Name, "getCurrentUser", GetCurrentUserAsync);

    private async ValueTask<ApiResult?> GetCurrentUserAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var kuid = context.User.Kuid;
        var user = await users.GetAsync(kuid, cancellationToken)
            ?? throw KuzzleErrors.Security.User.NotFound.Create(kuid);
        var names = new JsonArray();
        if (!context.User.IsAnonymous)
        {
            var call = Kuzzle.Realtime.Strategies.StrategyCallContext.For("auth", kuid);
            foreach (var name in strategies.Names)
            {
                if (strategies.TryGet(name, out var strategy)
                    && await Security.Strategies.StrategyCalls.RunAsync(() => strategy.ExistsAsync(call, kuid, cancellationToken)))
                {
                    names.Add(name);
                }
            }
        }

        user["strategies"] = names;
        return ApiResult.From(user);
    }
}

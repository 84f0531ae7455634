using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Responses;
using Kuzzle.Realtime.Security;
using Kuzzle.Realtime.Security.Store;
using Kuzzle.Realtime.Security.Store.Search;
using Kuzzle.Realtime.Server.Security;
using Kuzzle.Realtime.Server.Security.Strategies;
using Kuzzle.Realtime.Strategies;

namespace Kuzzle.Realtime.Server.Api.Controllers;

/// <summary>The auth actions about the caller's own user: who am I, what may I do, update myself, search my API keys.</summary>
public sealed partial class AuthController
{
    private void RegisterUserActions(ControllerTableBuilder table) =>
        table.Add(Name, "getCurrentUser", GetCurrentUserAsync)
            .Add(Name, "getMyRights", GetMyRightsAsync)
            .Add(Name, "checkRights", CheckRightsAsync)
            .Add(Name, "updateSelf", UpdateSelfAsync)
            .Add(Name, "searchApiKeys", SearchApiKeysAsync);

    private async ValueTask<ApiResult?> GetCurrentUserAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var kuid = context.User.Kuid;
        var user = (await SecurityErrors.GuardAsync(security.Users.GetAsync(kuid, cancellationToken))).ToJson();
        var names = new JsonArray();
        if (!context.User.IsAnonymous)
        {
            var call = StrategyCallContext.For("auth", kuid);
            foreach (var name in strategies.Names)
            {
                if (strategies.TryGet(name, out var strategy)
                    && await StrategyCalls.RunAsync(() => strategy.ExistsAsync(call, kuid, cancellationToken)))
                {
                    names.Add(name);
                }
            }
        }

        user["strategies"] = names;
        return ApiResult.From(user);
    }

    private async ValueTask<ApiResult?> GetMyRightsAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var rights = await security.Rights.GetUserRightsAsync(context.User.Kuid, cancellationToken);
        return new RightsListing(rights.ListRights());
    }

    private async ValueTask<ApiResult?> CheckRightsAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var request = StoredRightsPolicy.FromPayload(context.Input.GetBodyObject());
        var rights = await security.Rights.GetUserRightsAsync(context.User.Kuid, cancellationToken);
        return ApiResult.From(new JsonObject { ["allowed"] = rights.IsAllowed(request) });
    }

    private async ValueTask<ApiResult?> UpdateSelfAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var user = RequireAuthenticated(context, "updateSelf");
        if (!context.Input.HasBody)
        {
            throw KuzzleErrors.Api.Assert.BodyRequired.Create();
        }

        var updated = await SecurityErrors.GuardAsync(security.Users.UpdateSelfAsync(user.Kuid, context.Input.GetBodyObject(), cancellationToken));
        return ApiResult.From(updated.ToJson());
    }

    private async ValueTask<ApiResult?> SearchApiKeysAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var user = RequireAuthenticated(context, "searchApiKeys");
        return await ApiKeySearch.RunAsync(tokens.ApiKeys, user.Kuid, context.Input, cancellationToken);
    }

    private sealed class RightsListing(IReadOnlyList<RightsItem> items) : ApiResult
    {
        public override void WriteTo(Utf8JsonWriter writer) => RightsItem.WriteListing(writer, items);
    }
}

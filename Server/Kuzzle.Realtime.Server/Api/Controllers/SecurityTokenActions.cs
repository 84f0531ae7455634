using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Responses;
using Kuzzle.Realtime.Security;
using Kuzzle.Realtime.Security.Store;
using Kuzzle.Realtime.Server.Security;
using Kuzzle.Realtime.Tokens;

namespace Kuzzle.Realtime.Server.Api.Controllers;

/// <summary>
/// The <c>security</c> actions about other users' tokens (security.md §5.5, §5.1 revokeTokens): API keys created, searched and
/// deleted by an administrator, and revocation of every session of a user.
/// </summary>
public sealed class SecurityTokenActions(TokenService tokens, SecurityStore security) : IApiController
{
    /// <inheritdoc />
    public string Name => "security";

    /// <inheritdoc />
    public void Register(ControllerTableBuilder table)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.Add(Name, "createApiKey", CreateApiKeyAsync)
            .Add(Name, "searchApiKeys", SearchApiKeysAsync)
            .Add(Name, "deleteApiKey", DeleteApiKeyAsync)
            .Add(Name, "revokeTokens", RevokeTokensAsync);
    }

    private async ValueTask<ApiResult?> CreateApiKeyAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var input = context.Input;
        var kuid = input.GetString("userId");
        var description = AuthController.ApiKeyDescription(input);
        await ExistingUserAsync(kuid, cancellationToken);

        // security.md §5.5: the administrator's path bypasses security.apiKey.maxTTL.
        var (key, token) = await tokens.ApiKeys.CreateAsync(
            kuid, input.GetIdOrDefault(), AuthController.ApiKeyExpiresIn(input), description, enforceMaxTtl: false, cancellationToken);
        return AuthController.Write(key, token);
    }

    private async ValueTask<ApiResult?> SearchApiKeysAsync(RequestContext context, CancellationToken cancellationToken) =>
        await ApiKeySearch.RunAsync(tokens.ApiKeys, context.Input.GetString("userId"), context.Input, cancellationToken);

    private async ValueTask<ApiResult?> DeleteApiKeyAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var kuid = context.Input.GetString("userId");
        var id = context.Input.GetId();
        await tokens.ApiKeys.DeleteAsync(kuid, id, cancellationToken);
        return ApiResult.From(new JsonObject { ["_id"] = id });
    }

    // User existence is not checked (as in Kuzzle): revoking the tokens of a deleted user is harmless.
    private async ValueTask<ApiResult?> RevokeTokensAsync(RequestContext context, CancellationToken cancellationToken)
    {
        await tokens.RevokeAllAsync(context.Input.GetId(), cancellationToken);
        return null;
    }

    private async Task ExistingUserAsync(string kuid, CancellationToken cancellationToken)
    {
        if (BuiltInSecurity.IsAnonymousUserId(kuid))
        {
            return;
        }

        _ = await SecurityErrors.GuardAsync(security.Users.GetAsync(kuid, cancellationToken));
    }
}

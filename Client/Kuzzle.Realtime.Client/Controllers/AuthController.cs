using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Client.Models;

namespace Kuzzle.Realtime.Client.Controllers;

/// <summary>The <c>auth</c> controller (kuzzle-sdk's <c>kuzzle.auth</c>): login, the current user, own credentials, API keys.</summary>
public sealed class AuthController : ControllerBase
{
    internal AuthController(KuzzleClient client)
        : base(client, "auth")
    {
    }

    /// <summary>
    /// Logs in with <paramref name="strategy"/> (<c>local</c>: <c>{"username","password"}</c>) and makes the token the
    /// client's <see cref="KuzzleClient.Jwt"/>. <paramref name="expiresIn"/>: lifetime as milliseconds or a duration
    /// (<c>"1h"</c>); null for the server default. Rooms suspended by an earlier token expiry are subscribed again.
    /// </summary>
    /// <returns>The token.</returns>
    public async Task<string> LoginAsync(string strategy, JsonObject credentials, string? expiresIn = null, CancellationToken cancellationToken = default)
    {
        var token = await LoginForTokenAsync(strategy, credentials, expiresIn, cancellationToken).ConfigureAwait(false);
        return token.Jwt;
    }

    /// <summary>As <see cref="LoginAsync"/>, returning the whole answer (<c>_id</c>, <c>expiresAt</c>, <c>ttl</c>).</summary>
    public async Task<AuthToken> LoginForTokenAsync(string strategy, JsonObject credentials, string? expiresIn = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(strategy);
        ArgumentNullException.ThrowIfNull(credentials);
        var request = Request("login");
        request["strategy"] = strategy;
        request.Body = credentials.DeepClone();
        if (expiresIn is not null)
        {
            request["expiresIn"] = expiresIn;
        }

        // Credentials are never replayed from the offline queue after a reconnection.
        var response = await Client.QueryAsync(request, new QueryOptions { Queuable = false }, cancellationToken).ConfigureAwait(false);
        var token = Read(response.Result, ClientJsonContext.Default.AuthToken);
        if (string.IsNullOrEmpty(token.Jwt))
        {
            throw Unexpected(request, response.Result);
        }

        Client.Jwt = token.Jwt;
        await Client.OnLoggedInAsync(cancellationToken).ConfigureAwait(false);
        return token;
    }

    /// <summary>Revokes the client's token (all the user's tokens with <paramref name="global"/>) and forgets it.</summary>
    public async Task LogoutAsync(bool global = false, CancellationToken cancellationToken = default)
    {
        var request = Request("logout");
        if (global)
        {
            request["global"] = true;
        }

        await Client.QueryAsync(request, new QueryOptions { Queuable = false }, cancellationToken).ConfigureAwait(false);
        Client.Jwt = null;
    }

    /// <summary>Checks a token (the client's own when <paramref name="token"/> is null).</summary>
    public Task<TokenValidity> CheckTokenAsync(string? token = null, CancellationToken cancellationToken = default)
    {
        var request = Request("checkToken");
        request.Body = new JsonObject { ["token"] = token ?? Client.Jwt };
        return ResultAsync(request, ClientJsonContext.Default.TokenValidity, cancellationToken);
    }

    /// <summary>Exchanges the client's token for a new one (the old one keeps working for the server's grace period) and
    /// makes it the client's <see cref="KuzzleClient.Jwt"/>.</summary>
    public async Task<AuthToken> RefreshTokenAsync(string? expiresIn = null, CancellationToken cancellationToken = default)
    {
        var request = Request("refreshToken");
        if (expiresIn is not null)
        {
            request["expiresIn"] = expiresIn;
        }

        var response = await QueryAsync(request, cancellationToken).ConfigureAwait(false);
        var token = Read(response.Result, ClientJsonContext.Default.AuthToken);
        Client.OnTokenRefreshed(response);
        return token;
    }

    /// <summary>The authenticated user (the anonymous user <c>-1</c> without a token).</summary>
    public Task<KuzzleUser> GetCurrentUserAsync(CancellationToken cancellationToken = default) =>
        ResultAsync(Request("getCurrentUser"), ClientJsonContext.Default.KuzzleUser, cancellationToken);

    /// <summary>The current user's rights.</summary>
    public async Task<IReadOnlyList<UserRight>> GetMyRightsAsync(CancellationToken cancellationToken = default)
    {
        var hits = await ResultPropertyAsync(Request("getMyRights"), "hits", cancellationToken).ConfigureAwait(false);
        return Read(hits, ClientJsonContext.Default.IReadOnlyListUserRight);
    }

    /// <summary>Whether the current user may execute <paramref name="requestPayload"/> (a request object).</summary>
    public Task<bool> CheckRightsAsync(JsonObject requestPayload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestPayload);
        var request = Request("checkRights");
        request.Body = requestPayload.DeepClone();
        return ResultBooleanAsync(request, "allowed", cancellationToken);
    }

    /// <summary>Authentication strategies the server offers.</summary>
    public Task<IReadOnlyList<string>> GetStrategiesAsync(CancellationToken cancellationToken = default) =>
        ResultAsync(Request("getStrategies"), ClientJsonContext.Default.IReadOnlyListString, cancellationToken);

    /// <summary>Updates the current user's content (not its profiles).</summary>
    public Task<KuzzleUser> UpdateSelfAsync(JsonObject content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var request = Request("updateSelf");
        request.Body = content.DeepClone();
        return ResultAsync(request, ClientJsonContext.Default.KuzzleUser, cancellationToken);
    }

    /// <summary>Creates credentials of the current user for <paramref name="strategy"/>.</summary>
    public Task<JsonElement> CreateMyCredentialsAsync(string strategy, JsonObject credentials, CancellationToken cancellationToken = default) =>
        ResultAsync(CredentialsRequest("createMyCredentials", strategy, credentials), cancellationToken);

    /// <summary>Replaces credentials of the current user for <paramref name="strategy"/>.</summary>
    public Task<JsonElement> UpdateMyCredentialsAsync(string strategy, JsonObject credentials, CancellationToken cancellationToken = default) =>
        ResultAsync(CredentialsRequest("updateMyCredentials", strategy, credentials), cancellationToken);

    /// <summary>Whether <paramref name="credentials"/> would be accepted for <paramref name="strategy"/>.</summary>
    public Task<bool> ValidateMyCredentialsAsync(string strategy, JsonObject credentials, CancellationToken cancellationToken = default) =>
        ResultBooleanAsync(CredentialsRequest("validateMyCredentials", strategy, credentials), null, cancellationToken);

    /// <summary>Whether the current user has credentials for <paramref name="strategy"/>.</summary>
    public Task<bool> CredentialsExistAsync(string strategy, CancellationToken cancellationToken = default) =>
        ResultBooleanAsync(CredentialsRequest("credentialsExist", strategy, null), null, cancellationToken);

    /// <summary>The current user's credentials for <paramref name="strategy"/> (never a secret).</summary>
    public Task<JsonElement> GetMyCredentialsAsync(string strategy, CancellationToken cancellationToken = default) =>
        ResultAsync(CredentialsRequest("getMyCredentials", strategy, null), cancellationToken);

    /// <summary>Deletes the current user's credentials for <paramref name="strategy"/>.</summary>
    public Task<bool> DeleteMyCredentialsAsync(string strategy, CancellationToken cancellationToken = default) =>
        ResultBooleanAsync(CredentialsRequest("deleteMyCredentials", strategy, null), "acknowledged", cancellationToken);

    /// <summary>Creates an API key for the current user; its token is in <see cref="ApiKeyContent.Token"/>, returned once.</summary>
    /// <param name="description">What the key is for.</param>
    /// <param name="id">Key id (generated when null).</param>
    /// <param name="expiresIn">Lifetime (ms or duration); null or -1: never expires.</param>
    /// <param name="refresh"><c>wait_for</c> to wait until the key is searchable.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public Task<ApiKey> CreateApiKeyAsync(string description, string? id = null, string? expiresIn = null, string? refresh = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(description);
        var request = Request("createApiKey");
        request.Id = id;
        request.Body = new JsonObject { ["description"] = description };
        request["expiresIn"] = expiresIn;
        request["refresh"] = refresh;
        return ResultAsync(request, ClientJsonContext.Default.ApiKey, cancellationToken);
    }

    /// <summary>Deletes one of the current user's API keys.</summary>
    public async Task DeleteApiKeyAsync(string id, string? refresh = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var request = Request("deleteApiKey");
        request.Id = id;
        request["refresh"] = refresh;
        await QueryAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Searches the current user's API keys.</summary>
    public Task<SearchResult<ApiKey>> SearchApiKeysAsync(JsonObject? query = null, int? from = null, int? size = null, string? lang = null, CancellationToken cancellationToken = default)
    {
        var request = Request("searchApiKeys");
        request.Body = query?.DeepClone() ?? new JsonObject();
        request["from"] = from;
        request["size"] = size;
        request["lang"] = lang;
        return ResultAsync(request, ClientJsonContext.Default.SearchResultApiKey, cancellationToken);
    }

    private KuzzleRequest CredentialsRequest(string action, string strategy, JsonObject? credentials)
    {
        ArgumentException.ThrowIfNullOrEmpty(strategy);
        var request = Request(action);
        request["strategy"] = strategy;
        request.Body = credentials?.DeepClone();
        return request;
    }
}

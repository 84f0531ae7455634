using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Client.Models;

namespace Kuzzle.Realtime.Client.Controllers;

/// <summary>
/// The <c>security</c> controller (kuzzle-sdk's <c>kuzzle.security</c>): users, profiles, roles, credentials and API keys of
/// any user. Write methods take <c>refresh</c> (<c>"wait_for"</c> to wait until the change is searchable).
/// </summary>
public sealed class SecurityController : ControllerBase
{
    internal SecurityController(KuzzleClient client)
        : base(client, "security")
    {
    }

    // ---- Users

    /// <summary>Creates the first administrator (only while no admin exists); <paramref name="reset"/> also restricts the
    /// default rights of anonymous and default users.</summary>
    public Task<KuzzleUser> CreateFirstAdminAsync(string id, JsonObject body, bool reset = false, CancellationToken cancellationToken = default)
    {
        var request = WithBody("createFirstAdmin", id, body);
        if (reset)
        {
            request["reset"] = true;
        }

        return ResultAsync(request, ClientJsonContext.Default.KuzzleUser, cancellationToken);
    }

    /// <summary>Creates a user: <paramref name="body"/> = <c>{"content": {"profileIds": [...], ...}, "credentials": {...}}</c>.</summary>
    public Task<KuzzleUser> CreateUserAsync(string id, JsonObject body, string? refresh = null, CancellationToken cancellationToken = default) =>
        ResultAsync(WithBody("createUser", id, body, refresh), ClientJsonContext.Default.KuzzleUser, cancellationToken);

    /// <summary>Creates a user with the <c>default</c> profile only (<paramref name="id"/> null: generated).</summary>
    public Task<KuzzleUser> CreateRestrictedUserAsync(JsonObject body, string? id = null, string? refresh = null, CancellationToken cancellationToken = default) =>
        ResultAsync(WithBody("createRestrictedUser", id, body, refresh), ClientJsonContext.Default.KuzzleUser, cancellationToken);

    /// <summary>Gets a user.</summary>
    public Task<KuzzleUser> GetUserAsync(string id, CancellationToken cancellationToken = default) =>
        ResultAsync(WithId("getUser", id), ClientJsonContext.Default.KuzzleUser, cancellationToken);

    /// <summary>Updates a user's content (merged).</summary>
    public Task<KuzzleUser> UpdateUserAsync(string id, JsonObject content, string? refresh = null, CancellationToken cancellationToken = default) =>
        ResultAsync(WithBody("updateUser", id, content, refresh), ClientJsonContext.Default.KuzzleUser, cancellationToken);

    /// <summary>Replaces a user's content.</summary>
    public Task<KuzzleUser> ReplaceUserAsync(string id, JsonObject content, string? refresh = null, CancellationToken cancellationToken = default) =>
        ResultAsync(WithBody("replaceUser", id, content, refresh), ClientJsonContext.Default.KuzzleUser, cancellationToken);

    /// <summary>Deletes a user (its credentials, tokens and API keys go with it).</summary>
    /// <returns>The deleted id.</returns>
    public Task<string> DeleteUserAsync(string id, string? refresh = null, CancellationToken cancellationToken = default) =>
        DeletedIdAsync(WithId("deleteUser", id, refresh), cancellationToken);

    /// <summary>Gets several users (unknown ids are left out).</summary>
    public async Task<IReadOnlyList<KuzzleUser>> MGetUsersAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default) =>
        Read(await HitsAsync("mGetUsers", ids, cancellationToken).ConfigureAwait(false), ClientJsonContext.Default.IReadOnlyListKuzzleUser);

    /// <summary>Deletes several users.</summary>
    /// <returns>The deleted ids.</returns>
    public Task<IReadOnlyList<string>> MDeleteUsersAsync(IEnumerable<string> ids, string? refresh = null, CancellationToken cancellationToken = default) =>
        MDeleteAsync("mDeleteUsers", ids, refresh, cancellationToken);

    /// <summary>Searches users (<c>{"query": …}</c>, Elasticsearch subset or Koncorde with <paramref name="lang"/> <c>koncorde</c>).</summary>
    public Task<SearchResult<KuzzleUser>> SearchUsersAsync(JsonObject? query = null, int? from = null, int? size = null, string? scroll = null, string? lang = null, CancellationToken cancellationToken = default) =>
        ResultAsync(Search("searchUsers", query, from, size, scroll, lang), ClientJsonContext.Default.SearchResultKuzzleUser, cancellationToken);

    /// <summary>Next page of a user search made with <c>scroll</c>.</summary>
    public Task<SearchResult<KuzzleUser>> ScrollUsersAsync(string scrollId, string? scroll = null, CancellationToken cancellationToken = default) =>
        ResultAsync(Scroll("scrollUsers", scrollId, scroll), ClientJsonContext.Default.SearchResultKuzzleUser, cancellationToken);

    /// <summary>A user's rights.</summary>
    public async Task<IReadOnlyList<UserRight>> GetUserRightsAsync(string id, CancellationToken cancellationToken = default) =>
        Read(await ResultPropertyAsync(WithId("getUserRights", id), "hits", cancellationToken).ConfigureAwait(false), ClientJsonContext.Default.IReadOnlyListUserRight);

    /// <summary>Strategies a user has credentials for.</summary>
    public async Task<IReadOnlyList<string>> GetUserStrategiesAsync(string id, CancellationToken cancellationToken = default) =>
        Read(await ResultPropertyAsync(WithId("getUserStrategies", id), "strategies", cancellationToken).ConfigureAwait(false), ClientJsonContext.Default.IReadOnlyListString);

    /// <summary>Revokes every token of a user (API keys excepted).</summary>
    public async Task RevokeTokensAsync(string id, CancellationToken cancellationToken = default) =>
        await QueryAsync(WithId("revokeTokens", id), cancellationToken).ConfigureAwait(false);

    /// <summary>Whether a user may execute <paramref name="requestPayload"/>.</summary>
    public Task<bool> CheckRightsAsync(string userId, JsonObject requestPayload, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(requestPayload);
        var request = Request("checkRights");
        request["userId"] = userId;
        request.Body = requestPayload.DeepClone();
        return ResultBooleanAsync(request, "allowed", cancellationToken);
    }

    /// <summary>Mapping of the users collection.</summary>
    public Task<JsonElement> GetUserMappingAsync(CancellationToken cancellationToken = default) => ResultAsync(Request("getUserMapping"), cancellationToken);

    /// <summary>Adds fields to the mapping of the users collection.</summary>
    public Task<JsonElement> UpdateUserMappingAsync(JsonObject mapping, CancellationToken cancellationToken = default) =>
        ResultAsync(WithBody("updateUserMapping", null, mapping), cancellationToken);

    // ---- Profiles

    /// <summary>Creates a profile (<c>{"policies": [{"roleId": …}], "rateLimit": …}</c>).</summary>
    public Task<KuzzleProfile> CreateProfileAsync(string id, JsonObject body, string? refresh = null, CancellationToken cancellationToken = default) =>
        ResultAsync(WithBody("createProfile", id, body, refresh), ClientJsonContext.Default.KuzzleProfile, cancellationToken);

    /// <summary>Creates or replaces a profile.</summary>
    public Task<KuzzleProfile> CreateOrReplaceProfileAsync(string id, JsonObject body, string? refresh = null, CancellationToken cancellationToken = default) =>
        ResultAsync(WithBody("createOrReplaceProfile", id, body, refresh), ClientJsonContext.Default.KuzzleProfile, cancellationToken);

    /// <summary>Updates a profile.</summary>
    public Task<KuzzleProfile> UpdateProfileAsync(string id, JsonObject body, string? refresh = null, CancellationToken cancellationToken = default) =>
        ResultAsync(WithBody("updateProfile", id, body, refresh), ClientJsonContext.Default.KuzzleProfile, cancellationToken);

    /// <summary>Gets a profile.</summary>
    public Task<KuzzleProfile> GetProfileAsync(string id, CancellationToken cancellationToken = default) =>
        ResultAsync(WithId("getProfile", id), ClientJsonContext.Default.KuzzleProfile, cancellationToken);

    /// <summary>Deletes a profile (refused while users have it, unless <paramref name="onAssignedUsers"/> is <c>remove</c>).</summary>
    /// <returns>The deleted id.</returns>
    public Task<string> DeleteProfileAsync(string id, string? refresh = null, string? onAssignedUsers = null, CancellationToken cancellationToken = default)
    {
        var request = WithId("deleteProfile", id, refresh);
        request["onAssignedUsers"] = onAssignedUsers;
        return DeletedIdAsync(request, cancellationToken);
    }

    /// <summary>Gets several profiles.</summary>
    public async Task<IReadOnlyList<KuzzleProfile>> MGetProfilesAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default) =>
        Read(await HitsAsync("mGetProfiles", ids, cancellationToken).ConfigureAwait(false), ClientJsonContext.Default.IReadOnlyListKuzzleProfile);

    /// <summary>Deletes several profiles.</summary>
    public Task<IReadOnlyList<string>> MDeleteProfilesAsync(IEnumerable<string> ids, string? refresh = null, CancellationToken cancellationToken = default) =>
        MDeleteAsync("mDeleteProfiles", ids, refresh, cancellationToken);

    /// <summary>Searches profiles (<c>{"roles": [...]}</c> or a query).</summary>
    public Task<SearchResult<KuzzleProfile>> SearchProfilesAsync(JsonObject? query = null, int? from = null, int? size = null, string? scroll = null, CancellationToken cancellationToken = default) =>
        ResultAsync(Search("searchProfiles", query, from, size, scroll, null), ClientJsonContext.Default.SearchResultKuzzleProfile, cancellationToken);

    /// <summary>Next page of a profile search made with <c>scroll</c>.</summary>
    public Task<SearchResult<KuzzleProfile>> ScrollProfilesAsync(string scrollId, string? scroll = null, CancellationToken cancellationToken = default) =>
        ResultAsync(Scroll("scrollProfiles", scrollId, scroll), ClientJsonContext.Default.SearchResultKuzzleProfile, cancellationToken);

    /// <summary>A profile's rights.</summary>
    public async Task<IReadOnlyList<UserRight>> GetProfileRightsAsync(string id, CancellationToken cancellationToken = default) =>
        Read(await ResultPropertyAsync(WithId("getProfileRights", id), "hits", cancellationToken).ConfigureAwait(false), ClientJsonContext.Default.IReadOnlyListUserRight);

    /// <summary>Mapping of the profiles collection.</summary>
    public Task<JsonElement> GetProfileMappingAsync(CancellationToken cancellationToken = default) => ResultAsync(Request("getProfileMapping"), cancellationToken);

    /// <summary>Adds fields to the mapping of the profiles collection.</summary>
    public Task<JsonElement> UpdateProfileMappingAsync(JsonObject mapping, CancellationToken cancellationToken = default) =>
        ResultAsync(WithBody("updateProfileMapping", null, mapping), cancellationToken);

    // ---- Roles

    /// <summary>Creates a role (<c>{"controllers": {"auth": {"actions": {"login": true}}}}</c>).</summary>
    public Task<KuzzleRole> CreateRoleAsync(string id, JsonObject body, string? refresh = null, CancellationToken cancellationToken = default) =>
        ResultAsync(WithBody("createRole", id, body, refresh), ClientJsonContext.Default.KuzzleRole, cancellationToken);

    /// <summary>Creates or replaces a role.</summary>
    public Task<KuzzleRole> CreateOrReplaceRoleAsync(string id, JsonObject body, string? refresh = null, CancellationToken cancellationToken = default) =>
        ResultAsync(WithBody("createOrReplaceRole", id, body, refresh), ClientJsonContext.Default.KuzzleRole, cancellationToken);

    /// <summary>Updates a role.</summary>
    public Task<KuzzleRole> UpdateRoleAsync(string id, JsonObject body, string? refresh = null, CancellationToken cancellationToken = default) =>
        ResultAsync(WithBody("updateRole", id, body, refresh), ClientJsonContext.Default.KuzzleRole, cancellationToken);

    /// <summary>Gets a role.</summary>
    public Task<KuzzleRole> GetRoleAsync(string id, CancellationToken cancellationToken = default) =>
        ResultAsync(WithId("getRole", id), ClientJsonContext.Default.KuzzleRole, cancellationToken);

    /// <summary>Deletes a role (refused while a profile uses it).</summary>
    /// <returns>The deleted id.</returns>
    public Task<string> DeleteRoleAsync(string id, string? refresh = null, CancellationToken cancellationToken = default) =>
        DeletedIdAsync(WithId("deleteRole", id, refresh), cancellationToken);

    /// <summary>Gets several roles.</summary>
    public async Task<IReadOnlyList<KuzzleRole>> MGetRolesAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default) =>
        Read(await HitsAsync("mGetRoles", ids, cancellationToken).ConfigureAwait(false), ClientJsonContext.Default.IReadOnlyListKuzzleRole);

    /// <summary>Deletes several roles.</summary>
    public Task<IReadOnlyList<string>> MDeleteRolesAsync(IEnumerable<string> ids, string? refresh = null, CancellationToken cancellationToken = default) =>
        MDeleteAsync("mDeleteRoles", ids, refresh, cancellationToken);

    /// <summary>Searches roles (<c>{"controllers": [...]}</c>).</summary>
    public Task<SearchResult<KuzzleRole>> SearchRolesAsync(JsonObject? query = null, int? from = null, int? size = null, CancellationToken cancellationToken = default) =>
        ResultAsync(Search("searchRoles", query, from, size, null, null), ClientJsonContext.Default.SearchResultKuzzleRole, cancellationToken);

    /// <summary>Mapping of the roles collection.</summary>
    public Task<JsonElement> GetRoleMappingAsync(CancellationToken cancellationToken = default) => ResultAsync(Request("getRoleMapping"), cancellationToken);

    /// <summary>Adds fields to the mapping of the roles collection.</summary>
    public Task<JsonElement> UpdateRoleMappingAsync(JsonObject mapping, CancellationToken cancellationToken = default) =>
        ResultAsync(WithBody("updateRoleMapping", null, mapping), cancellationToken);

    // ---- Credentials

    /// <summary>Creates credentials of a user for <paramref name="strategy"/>.</summary>
    public Task<JsonElement> CreateCredentialsAsync(string strategy, string id, JsonObject credentials, CancellationToken cancellationToken = default) =>
        ResultAsync(Credentials("createCredentials", strategy, id, credentials), cancellationToken);

    /// <summary>Replaces credentials of a user.</summary>
    public Task<JsonElement> UpdateCredentialsAsync(string strategy, string id, JsonObject credentials, CancellationToken cancellationToken = default) =>
        ResultAsync(Credentials("updateCredentials", strategy, id, credentials), cancellationToken);

    /// <summary>Whether <paramref name="credentials"/> would be accepted for a user.</summary>
    public Task<bool> ValidateCredentialsAsync(string strategy, string id, JsonObject credentials, CancellationToken cancellationToken = default) =>
        ResultBooleanAsync(Credentials("validateCredentials", strategy, id, credentials), null, cancellationToken);

    /// <summary>Deletes credentials of a user.</summary>
    public async Task DeleteCredentialsAsync(string strategy, string id, CancellationToken cancellationToken = default) =>
        await QueryAsync(Credentials("deleteCredentials", strategy, id, null), cancellationToken).ConfigureAwait(false);

    /// <summary>A user's credentials for <paramref name="strategy"/> (never a secret).</summary>
    public Task<JsonElement> GetCredentialsAsync(string strategy, string id, CancellationToken cancellationToken = default) =>
        ResultAsync(Credentials("getCredentials", strategy, id, null), cancellationToken);

    /// <summary>Credentials found by their strategy-side id (e.g. the username for <c>local</c>).</summary>
    public Task<JsonElement> GetCredentialsByIdAsync(string strategy, string id, CancellationToken cancellationToken = default) =>
        ResultAsync(Credentials("getCredentialsById", strategy, id, null), cancellationToken);

    /// <summary>Whether a user has credentials for <paramref name="strategy"/>.</summary>
    public Task<bool> HasCredentialsAsync(string strategy, string id, CancellationToken cancellationToken = default) =>
        ResultBooleanAsync(Credentials("hasCredentials", strategy, id, null), null, cancellationToken);

    /// <summary>Fields of every strategy's credentials.</summary>
    public Task<JsonElement> GetAllCredentialFieldsAsync(CancellationToken cancellationToken = default) =>
        ResultAsync(Request("getAllCredentialFields"), cancellationToken);

    /// <summary>Fields of one strategy's credentials.</summary>
    public Task<IReadOnlyList<string>> GetCredentialFieldsAsync(string strategy, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(strategy);
        var request = Request("getCredentialFields");
        request["strategy"] = strategy;
        return ResultAsync(request, ClientJsonContext.Default.IReadOnlyListString, cancellationToken);
    }

    // ---- API keys of any user

    /// <summary>Creates an API key for a user; its token is in <see cref="ApiKeyContent.Token"/>, returned once.</summary>
    public Task<ApiKey> CreateApiKeyAsync(string userId, string description, string? id = null, string? expiresIn = null, string? refresh = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(description);
        var request = Request("createApiKey");
        request["userId"] = userId;
        request.Id = id;
        request.Body = new JsonObject { ["description"] = description };
        request["expiresIn"] = expiresIn;
        request["refresh"] = refresh;
        return ResultAsync(request, ClientJsonContext.Default.ApiKey, cancellationToken);
    }

    /// <summary>Deletes an API key of a user.</summary>
    public async Task DeleteApiKeyAsync(string userId, string id, string? refresh = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var request = WithId("deleteApiKey", id, refresh);
        request["userId"] = userId;
        await QueryAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Searches the API keys of a user.</summary>
    public Task<SearchResult<ApiKey>> SearchApiKeysAsync(string userId, JsonObject? query = null, int? from = null, int? size = null, string? lang = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var request = Search("searchApiKeys", query, from, size, null, lang);
        request["userId"] = userId;
        return ResultAsync(request, ClientJsonContext.Default.SearchResultApiKey, cancellationToken);
    }

    /// <summary>Makes recent writes to a security collection (<c>users</c>, <c>profiles</c>, <c>roles</c>) searchable.</summary>
    public async Task RefreshAsync(string collection, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(collection);
        var request = Request("refresh");
        request.Collection = collection;
        await QueryAsync(request, cancellationToken).ConfigureAwait(false);
    }

    // ---- Request builders

    private KuzzleRequest WithId(string action, string id, string? refresh = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var request = Request(action);
        request.Id = id;
        request["refresh"] = refresh;
        return request;
    }

    private KuzzleRequest WithBody(string action, string? id, JsonObject body, string? refresh = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var request = Request(action);
        request.Id = id;
        request.Body = body.DeepClone();
        request["refresh"] = refresh;
        return request;
    }

    private KuzzleRequest Credentials(string action, string strategy, string id, JsonObject? credentials)
    {
        ArgumentException.ThrowIfNullOrEmpty(strategy);
        var request = WithId(action, id);
        request["strategy"] = strategy;
        request.Body = credentials?.DeepClone();
        return request;
    }

    private KuzzleRequest Search(string action, JsonObject? query, int? from, int? size, string? scroll, string? lang)
    {
        var request = Request(action);
        request.Body = query?.DeepClone() ?? new JsonObject();
        request["from"] = from;
        request["size"] = size;
        request["scroll"] = scroll;
        request["lang"] = lang;
        return request;
    }

    private KuzzleRequest Scroll(string action, string scrollId, string? scroll)
    {
        ArgumentException.ThrowIfNullOrEmpty(scrollId);
        var request = Request(action);
        request["scrollId"] = scrollId;
        request["scroll"] = scroll;
        return request;
    }

    private Task<JsonElement> HitsAsync(string action, IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var request = Request(action);
        request.Body = IdsBody(ids);
        return ResultPropertyAsync(request, "hits", cancellationToken);
    }

    private Task<IReadOnlyList<string>> MDeleteAsync(string action, IEnumerable<string> ids, string? refresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var request = Request(action);
        request.Body = IdsBody(ids);
        request["refresh"] = refresh;
        return ResultAsync(request, ClientJsonContext.Default.IReadOnlyListString, cancellationToken);
    }

    private async Task<string> DeletedIdAsync(KuzzleRequest request, CancellationToken cancellationToken)
    {
        var id = await ResultPropertyAsync(request, "_id", cancellationToken).ConfigureAwait(false);
        return id.GetString() ?? throw Unexpected(request, id);
    }
}

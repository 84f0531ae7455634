namespace Kuzzle.Realtime.Server.Network.Http;

/// <summary>One HTTP route of the Kuzzle API (protocol.md §5.5).</summary>
/// <param name="Verb">Upper-case verb.</param>
/// <param name="Path">Path with <c>:placeholders</c>.</param>
/// <param name="Controller">Controller.</param>
/// <param name="Action">Action.</param>
public sealed record HttpRoute(string Verb, string Path, string Controller, string Action);

/// <summary>Kuzzle 2.56's route table for the controllers we serve, in its declaration order (publicApi and openapi keep it).</summary>
public static class RouteTable
{
    /// <summary>Every route.</summary>
    public static IReadOnlyList<HttpRoute> Routes { get; } = Build();

    private static List<HttpRoute> Build()
    {
        var r = new List<HttpRoute>();
        void Add(string verb, string path, string controller, string action) => r.Add(new HttpRoute(verb, path, controller, action));

        // auth
        Add("GET", "/_me", "auth", "getCurrentUser");
        Add("GET", "/users/_me", "auth", "getCurrentUser");
        Add("PUT", "/_me", "auth", "updateSelf");
        Add("PUT", "/_updateSelf", "auth", "updateSelf");
        Add("GET", "/_me/_rights", "auth", "getMyRights");
        Add("GET", "/users/_me/_rights", "auth", "getMyRights");
        Add("GET", "/_me/credentials/:strategy", "auth", "getMyCredentials");
        Add("GET", "/credentials/:strategy/_me", "auth", "getMyCredentials");
        Add("GET", "/_me/credentials/:strategy/_exists", "auth", "credentialsExist");
        Add("GET", "/credentials/:strategy/_me/_exists", "auth", "credentialsExist");
        Add("POST", "/_me/credentials/:strategy/_create", "auth", "createMyCredentials");
        Add("POST", "/credentials/:strategy/_me/_create", "auth", "createMyCredentials");
        Add("POST", "/_me/credentials/:strategy/_validate", "auth", "validateMyCredentials");
        Add("POST", "/credentials/:strategy/_me/_validate", "auth", "validateMyCredentials");
        Add("PUT", "/_me/credentials/:strategy/_update", "auth", "updateMyCredentials");
        Add("PUT", "/credentials/:strategy/_me/_update", "auth", "updateMyCredentials");
        Add("DELETE", "/_me/credentials/:strategy", "auth", "deleteMyCredentials");
        Add("DELETE", "/credentials/:strategy/_me", "auth", "deleteMyCredentials");
        Add("GET", "/strategies", "auth", "getStrategies");
        Add("GET", "/_login/:strategy", "auth", "login");
        Add("POST", "/_login/:strategy", "auth", "login");
        Add("POST", "/_logout", "auth", "logout");
        Add("POST", "/_checkToken", "auth", "checkToken");
        Add("POST", "/_createToken", "auth", "createToken");
        Add("POST", "/_refreshToken", "auth", "refreshToken");
        Add("POST", "/_checkRights", "auth", "checkRights");
        Add("POST", "/api-keys/_create", "auth", "createApiKey");
        Add("POST", "/api-keys/_search", "auth", "searchApiKeys");
        Add("DELETE", "/api-keys/:_id", "auth", "deleteApiKey");

        // server
        Add("GET", "/", "server", "info");
        Add("GET", "/_serverInfo", "server", "info");
        Add("GET", "/_now", "server", "now");
        Add("GET", "/_adminExists", "server", "adminExists");
        Add("GET", "/_getConfig", "server", "getConfig");
        Add("GET", "/_capabilities", "server", "capabilities");
        Add("GET", "/_healthCheck", "server", "healthCheck");
        Add("GET", "/_publicApi", "server", "publicApi");
        Add("GET", "/_openapi", "server", "openapi");
        Add("GET", "/_metrics", "server", "metrics");
        Add("GET", "/_getStats", "server", "getStats");
        Add("GET", "/_getLastStats", "server", "getLastStats");
        Add("GET", "/_getAllStats", "server", "getAllStats");

        // realtime
        Add("GET", "/_listSubscriptions", "realtime", "list");
        Add("POST", "/:index/:collection/_publish", "realtime", "publish");

        // security
        Add("POST", "/_createFirstAdmin", "security", "createFirstAdmin");
        Add("POST", "/_createFirstAdmin/:_id", "security", "createFirstAdmin");
        Add("POST", "/_restrictDefaultRights", "security", "restrictDefaultRights");
        Add("POST", "/_security/:collection/_refresh", "security", "refresh");
        Add("POST", "/_checkRights/:userId", "security", "checkRights");
        Add("GET", "/users/_mGet", "security", "mGetUsers");
        Add("POST", "/users/_mGet", "security", "mGetUsers");
        Add("GET", "/users/_mapping", "security", "getUserMapping");
        Add("PUT", "/users/_mapping", "security", "updateUserMapping");
        Add("GET", "/users/:_id", "security", "getUser");
        Add("POST", "/users/_search", "security", "searchUsers");
        Add("GET", "/users/_scroll/:scrollId", "security", "scrollUsers");
        Add("POST", "/users/_create", "security", "createUser");
        Add("POST", "/users/:_id/_create", "security", "createUser");
        Add("POST", "/users/_createRestricted", "security", "createRestrictedUser");
        Add("POST", "/users/:_id/_createRestricted", "security", "createRestrictedUser");
        Add("PUT", "/users/:_id/_update", "security", "updateUser");
        Add("PUT", "/users/:_id/_replace", "security", "replaceUser");
        Add("POST", "/users/:_id/_upsert", "security", "upsertUser");
        Add("DELETE", "/users/:_id", "security", "deleteUser");
        Add("POST", "/users/_mDelete", "security", "mDeleteUsers");
        Add("GET", "/users/:_id/_rights", "security", "getUserRights");
        Add("GET", "/users/:_id/_strategies", "security", "getUserStrategies");
        Add("DELETE", "/users/:_id/tokens", "security", "revokeTokens");
        Add("GET", "/profiles/_mapping", "security", "getProfileMapping");
        Add("PUT", "/profiles/_mapping", "security", "updateProfileMapping");
        Add("GET", "/profiles/:_id", "security", "getProfile");
        Add("GET", "/profiles/:_id/_rights", "security", "getProfileRights");
        Add("POST", "/profiles/:_id/_create", "security", "createProfile");
        Add("PUT", "/profiles/:_id", "security", "createOrReplaceProfile");
        Add("PUT", "/profiles/:_id/_update", "security", "updateProfile");
        Add("DELETE", "/profiles/:_id", "security", "deleteProfile");
        Add("POST", "/profiles/_mGet", "security", "mGetProfiles");
        Add("POST", "/profiles/_mDelete", "security", "mDeleteProfiles");
        Add("POST", "/profiles/_search", "security", "searchProfiles");
        Add("GET", "/profiles/_scroll/:scrollId", "security", "scrollProfiles");
        Add("GET", "/roles/_mapping", "security", "getRoleMapping");
        Add("PUT", "/roles/_mapping", "security", "updateRoleMapping");
        Add("GET", "/roles/:_id", "security", "getRole");
        Add("POST", "/roles/:_id/_create", "security", "createRole");
        Add("PUT", "/roles/:_id", "security", "createOrReplaceRole");
        Add("PUT", "/roles/:_id/_update", "security", "updateRole");
        Add("DELETE", "/roles/:_id", "security", "deleteRole");
        Add("POST", "/roles/_mGet", "security", "mGetRoles");
        Add("POST", "/roles/_mDelete", "security", "mDeleteRoles");
        Add("POST", "/roles/_search", "security", "searchRoles");
        Add("GET", "/credentials/_fields", "security", "getAllCredentialFields");
        Add("GET", "/credentials/:strategy/_fields", "security", "getCredentialFields");
        Add("GET", "/credentials/:strategy/:_id", "security", "getCredentials");
        Add("GET", "/credentials/:strategy/:_id/_byId", "security", "getCredentialsById");
        Add("GET", "/credentials/:strategy/:_id/_exists", "security", "hasCredentials");
        Add("POST", "/credentials/:strategy/:_id/_create", "security", "createCredentials");
        Add("PUT", "/credentials/:strategy/:_id/_update", "security", "updateCredentials");
        Add("POST", "/credentials/:strategy/:_id/_validate", "security", "validateCredentials");
        Add("DELETE", "/credentials/:strategy/:_id", "security", "deleteCredentials");
        Add("POST", "/credentials/:strategy/users/_search", "security", "searchUsersByCredentials");
        Add("POST", "/users/:userId/api-keys/_create", "security", "createApiKey");
        Add("POST", "/users/:userId/api-keys/_search", "security", "searchApiKeys");
        Add("DELETE", "/users/:userId/api-keys/:_id", "security", "deleteApiKey");
        return r;
    }
}

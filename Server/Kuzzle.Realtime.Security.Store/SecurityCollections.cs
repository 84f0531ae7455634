namespace Kuzzle.Realtime.Security.Store;

/// <summary>Where security objects live in the shared document store, and the lookup terms they carry.</summary>
public static class SecurityCollections
{
    public const string Users = "users";
    public const string Profiles = "profiles";
    public const string Roles = "roles";

    /// <summary>One document per security collection holding its mapping (get/update*Mapping).</summary>
    public const string Mappings = "security-mappings";

    /// <summary>Node-shared state: the invalidation epoch and the scroll signing key.</summary>
    public const string State = "security-state";

    /// <summary>User term, one per profile (StoredAdminDirectory counts <c>profileIds=admin</c>).</summary>
    public const string ProfileIdsTerm = "profileIds";

    /// <summary>Profile term, one per role its policies use ("role in use" is a term count).</summary>
    public const string RoleIdTerm = "policies.roleId";

    /// <summary>The highest <c>size</c> a search accepts (Kuzzle's <c>limits.documentsFetchCount</c>).</summary>
    public const int MaxFetch = 10_000;

    /// <summary>The most ids an mDelete accepts (Kuzzle's <c>limits.documentsWriteCount</c>).</summary>
    public const int MaxWrite = 200;
}

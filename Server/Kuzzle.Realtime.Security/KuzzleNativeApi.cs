using System.Collections.Frozen;

namespace Kuzzle.Realtime.Security;

/// <summary>
/// The native controllers of Kuzzle 2.56.0 and their actions, as role validation knows them
/// (<c>security.role.unknown_action</c> for an action outside this table). Roles written for Kuzzle name these actions
/// whether or not this server implements them, so the table is Kuzzle's, not ours.
/// </summary>
public static class KuzzleNativeApi
{
    /// <summary>Native controller → its action names.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> Controllers { get; } = Build();

    /// <summary>Native controller names; <c>ms</c> and <c>memoryStorage</c> are the same controller.</summary>
    public static IReadOnlySet<string> ControllerNames { get; } = Controllers.Keys.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="controller"/> is a native controller name.</summary>
    public static bool IsNative(string controller) => Controllers.ContainsKey(controller);

    /// <summary>
    /// The native table plus <paramref name="extra"/> controllers (plugin controllers, or actions a native controller
    /// gained here); actions of a controller present in both are united.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> With(IReadOnlyDictionary<string, IReadOnlySet<string>> extra)
    {
        ArgumentNullException.ThrowIfNull(extra);
        var merged = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var (name, actions) in Controllers)
        {
            merged[name] = actions;
        }

        foreach (var (name, actions) in extra)
        {
            merged[name] = merged.TryGetValue(name, out var existing)
                ? existing.Union(actions, StringComparer.Ordinal).ToFrozenSet(StringComparer.Ordinal)
                : actions;
        }

        return merged.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static FrozenDictionary<string, IReadOnlySet<string>> Build()
    {
        var memoryStorage = Set(
            "append", "bitcount", "bitop", "bitpos", "dbsize", "decr", "decrby", "del", "exists", "expire",
            "expireat", "flushdb", "geoadd", "geodist", "geohash", "geopos", "georadius", "georadiusbymember", "get",
            "getbit", "getrange", "getset", "hdel", "hexists", "hget", "hgetall", "hincrby", "hincrbyfloat", "hkeys",
            "hlen", "hmget", "hmset", "hscan", "hset", "hsetnx", "hstrlen", "hvals", "incr", "incrby", "incrbyfloat",
            "keys", "lindex", "linsert", "llen", "lpop", "lpush", "lpushx", "lrange", "lrem", "lset", "ltrim",
            "mexecute", "mget", "mset", "msetnx", "object", "persist", "pexpire", "pexpireat", "pfadd", "pfcount",
            "pfmerge", "ping", "psetex", "pttl", "randomkey", "rename", "renamenx", "rpop", "rpoplpush", "rpush",
            "rpushx", "sadd", "scan", "scard", "sdiff", "sdiffstore", "set", "setex", "setnx", "sinter",
            "sinterstore", "sismember", "smembers", "smove", "sort", "spop", "srandmember", "srem", "sscan",
            "strlen", "sunion", "sunionstore", "time", "touch", "ttl", "type", "zadd", "zcard", "zcount", "zincrby",
            "zinterstore", "zlexcount", "zrange", "zrangebylex", "zrangebyscore", "zrank", "zrem", "zremrangebylex",
            "zremrangebyrank", "zremrangebyscore", "zrevrange", "zrevrangebylex", "zrevrangebyscore", "zrevrank",
            "zscan", "zscore", "zunionstore");

        return new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
        {
            ["admin"] = Set(
                "dump", "loadFixtures", "loadMappings", "loadSecurities", "refreshIndexCache", "resetCache",
                "resetDatabase", "resetSecurity", "shutdown"),
            ["auth"] = Set(
                "checkRights", "checkToken", "createApiKey", "createMyCredentials", "createToken",
                "credentialsExist", "deleteApiKey", "deleteMyCredentials", "getCurrentUser", "getMyCredentials",
                "getMyRights", "getStrategies", "login", "logout", "refreshToken", "searchApiKeys",
                "updateMyCredentials", "updateSelf", "validateMyCredentials"),
            ["bulk"] = Set(
                "import", "write", "mWrite", "deleteByQuery", "updateByQuery"),
            ["cluster"] = Set(
                "status"),
            ["collection"] = Set(
                "create", "delete", "deleteSpecifications", "exists", "getMapping", "getSettings",
                "getSpecifications", "list", "refresh", "scrollSpecifications", "searchSpecifications", "truncate",
                "update", "updateMapping", "updateSpecifications", "validateSpecifications"),
            ["debug"] = Set(
                "nodeVersion", "enable", "disable", "post", "addListener", "removeListener"),
            ["document"] = Set(
                "count", "create", "createOrReplace", "delete", "deleteByQuery", "deleteFields", "exists", "export",
                "get", "mCreate", "mCreateOrReplace", "mDelete", "mExists", "mGet", "mReplace", "mUpdate", "mUpsert",
                "replace", "scroll", "search", "update", "updateByQuery", "upsert", "validate"),
            ["index"] = Set(
                "create", "delete", "exists", "list", "mDelete", "stats"),
            ["realtime"] = Set(
                "count", "join", "list", "publish", "subscribe", "unsubscribe", "validate"),
            ["security"] = Set(
                "checkRights", "createApiKey", "createCredentials", "createFirstAdmin", "restrictDefaultRights",
                "createOrReplaceProfile", "createOrReplaceRole", "createProfile", "createRestrictedUser",
                "createRole", "createUser", "deleteApiKey", "deleteCredentials", "deleteProfile", "deleteRole",
                "deleteUser", "getAllCredentialFields", "getCredentialFields", "getCredentials",
                "getCredentialsById", "getProfile", "getProfileMapping", "getProfileRights", "getRole",
                "getRoleMapping", "getUser", "getUserMapping", "getUserRights", "getUserStrategies",
                "hasCredentials", "mDeleteProfiles", "mDeleteRoles", "mDeleteUsers", "mGetProfiles", "mGetRoles",
                "mGetUsers", "refresh", "replaceUser", "revokeTokens", "scrollProfiles", "scrollUsers",
                "searchApiKeys", "searchProfiles", "searchRoles", "searchUsers", "searchUsersByCredentials",
                "updateCredentials", "updateProfile", "updateProfileMapping", "updateRole", "updateRoleMapping",
                "updateUser", "updateUserMapping", "upsertUser", "validateCredentials"),
            ["server"] = Set(
                "adminExists", "capabilities", "getAllStats", "getConfig", "getLastStats", "getStats", "healthCheck",
                "info", "metrics", "now", "publicApi", "openapi"),
            ["memoryStorage"] = memoryStorage,
            ["ms"] = memoryStorage,
        }.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static FrozenSet<string> Set(params string[] actions) => actions.ToFrozenSet(StringComparer.Ordinal);
}

using StackExchange.Redis;

namespace Kuzzle.Realtime.Storage.Redis;

/// <summary>Every key and channel name the Redis store uses, all under one prefix.</summary>
/// <remarks>
/// WARNING: the layout is unambiguous only because collections and term fields hold no ':' (see <see cref="StorageNames"/>) and the
/// free-form part (id, value, token, user) always comes last. Changing a pattern orphans existing data.
/// </remarks>
internal sealed class RedisKeys(string prefix)
{
    /// <summary>Hash of one document: j = JSON, v = version, t = JSON array of the term keys it is listed in.</summary>
    public RedisKey Document(string collection, string id) => DocumentPrefix(collection) + id;

    public string DocumentPrefix(string collection) => $"{prefix}doc:{collection}:";

    /// <summary>Sorted set (all scores 0, so ordered by id bytes) of a collection's ids.</summary>
    public RedisKey Ids(string collection) => $"{prefix}ids:{collection}";

    /// <summary>Sorted set of the ids carrying one term.</summary>
    public string Term(string collection, string field, string value) => $"{prefix}term:{collection}:{field}:{value}";

    /// <summary>Hash of one session: u = user id, e = expiry in epoch ms (empty when infinite), j = JSON; expires with PX.</summary>
    public RedisKey Session(string tokenId) => SessionPrefix + tokenId;

    public string SessionPrefix => $"{prefix}session:";

    /// <summary>Set of a user's token ids; members whose session is gone are cleaned when listed.</summary>
    public RedisKey UserSessions(string userId) => UserSessionsPrefix + userId;

    public string UserSessionsPrefix => $"{prefix}user-sessions:";

    /// <summary>Integer counter expiring at the end of its window.</summary>
    public RedisKey Counter(string key) => $"{prefix}counter:{key}";

    public RedisChannel Channel(string channel) => RedisChannel.Literal($"{prefix}feed:{channel}");
}

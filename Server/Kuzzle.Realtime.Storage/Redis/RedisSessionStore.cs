using System.Globalization;
using StackExchange.Redis;

namespace Kuzzle.Realtime.Storage.Redis;

/// <summary>
/// <see cref="ISessionStore"/> on Redis: one hash per token expiring with PX, plus a set of token ids per user. Expiry is also
/// checked against the stored expiry on every read, so it holds to the millisecond whatever Redis's eviction timing.
/// </summary>
internal sealed class RedisSessionStore(IDatabase database, RedisKeys keys, RedisExecutor executor, TimeProvider time) : ISessionStore
{
    // KEYS: session hash, user set. ARGV: token id, user id, expiry ms ('' = infinite), json, ttl ms ('' = none), user-set prefix,
    // session prefix. Re-adding a token under another user moves it out of the previous user's set.
    // WARNING: the user set must never outlive a session it lists (else RemoveByUser misses it), so its TTL only grows and it
    // loses its TTL while it holds an infinite session. A few random members are checked per add, so stale ones cannot pile up.
    private const string AddScript = """
        local previous = redis.call('HGET', KEYS[1], 'u')
        if previous and previous ~= ARGV[2] then redis.call('SREM', ARGV[6] .. previous, ARGV[1]) end
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], 'u', ARGV[2], 'e', ARGV[3], 'j', ARGV[4])
        if ARGV[5] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[5]) end
        for _, token in ipairs(redis.call('SRANDMEMBER', KEYS[2], 3)) do
          if redis.call('HGET', ARGV[7] .. token, 'u') ~= ARGV[2] then redis.call('SREM', KEYS[2], token) end
        end
        local existed = redis.call('EXISTS', KEYS[2])
        redis.call('SADD', KEYS[2], ARGV[1])
        if ARGV[5] == '' then
          redis.call('PERSIST', KEYS[2])
        else
          local ttl = redis.call('PTTL', KEYS[2])
          if existed == 0 or (ttl >= 0 and ttl < tonumber(ARGV[5])) then redis.call('PEXPIRE', KEYS[2], ARGV[5]) end
        end
        return 1
        """;

    // Recomputes the TTL of a persistent user set (ARGV-free helper: set key, session prefix, user id) from its members, so a set
    // that held an infinite session does not stay persistent once that session is gone. Only persistent sets pay this scan.
    private const string RetimeUserSet = """
        local function retimeUserSet(setKey, sessionPrefix, user)
          if redis.call('PTTL', setKey) ~= -1 then return end
          local longest, infinite = 0, false
          for _, token in ipairs(redis.call('SMEMBERS', setKey)) do
            local key = sessionPrefix .. token
            if redis.call('HGET', key, 'u') ~= user then
              redis.call('SREM', setKey, token)
            else
              local ttl = redis.call('PTTL', key)
              if ttl == -1 then infinite = true elseif ttl > longest then longest = ttl end
            end
          end
          if not infinite and longest > 0 then redis.call('PEXPIRE', setKey, longest) end
        end
        """;

    // KEYS: session hash. ARGV: token id, user-set prefix, session prefix. Reply: the removed session's expiry ('' = infinite), or false.
    private const string RemoveScript = RetimeUserSet + "\n" + """
        local session = redis.call('HMGET', KEYS[1], 'u', 'e')
        if not session[1] then return false end
        redis.call('DEL', KEYS[1])
        redis.call('SREM', ARGV[2] .. session[1], ARGV[1])
        retimeUserSet(ARGV[2] .. session[1], ARGV[3], session[1])
        return session[2]
        """;

    // KEYS: user set. ARGV: user id, session prefix, '1' to delete the sessions. Reply: {token, expiry, json, ...} of live sessions.
    // Members whose session is gone (expired or moved to another user) are removed from the set on the way.
    private const string ListScript = """
        local reply = {}
        for _, token in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          local key = ARGV[2] .. token
          local session = redis.call('HMGET', key, 'u', 'e', 'j')
          if session[1] == ARGV[1] then
            reply[#reply + 1] = token
            reply[#reply + 1] = session[2]
            reply[#reply + 1] = session[3]
            if ARGV[3] == '1' then redis.call('DEL', key) end
          else
            redis.call('SREM', KEYS[1], token)
          end
        end
        if ARGV[3] == '1' then redis.call('DEL', KEYS[1]) end
        return reply
        """;

    // KEYS: session hash. ARGV: new expiry ms, ttl ms (<= 0 ends the session), user-set prefix, token id, now ms, session prefix.
    // Reply: 1 if a live session was found. An extension extends the user set too (see AddScript). A session expired by our clock but not yet evicted by Redis must not be revived.
    private const string SetExpiryScript = RetimeUserSet + "\n" + """
        local session = redis.call('HMGET', KEYS[1], 'u', 'e')
        local user = session[1]
        if not user then return 0 end
        if session[2] ~= '' and tonumber(session[2]) <= tonumber(ARGV[5]) then return 0 end
        if tonumber(ARGV[2]) <= 0 then
          redis.call('DEL', KEYS[1])
          redis.call('SREM', ARGV[3] .. user, ARGV[4])
          retimeUserSet(ARGV[3] .. user, ARGV[6], user)
        else
          redis.call('HSET', KEYS[1], 'e', ARGV[1])
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          local setTtl = redis.call('PTTL', ARGV[3] .. user)
          if setTtl >= 0 and setTtl < tonumber(ARGV[2]) then redis.call('PEXPIRE', ARGV[3] .. user, ARGV[2]) end
          retimeUserSet(ARGV[3] .. user, ARGV[6], user)
        end
        return 1
        """;

    private static readonly RedisValue[] SessionFields = ["u", "e", "j"];

    public Task AddAsync(SessionRecord session, CancellationToken cancellationToken = default)
    {
        SessionChecks.Validate(session);
        var now = Now();
        var expiresAt = session.ExpiresAt?.ToUnixTimeMilliseconds();
        if (expiresAt <= now)
        {
            // Already expired: replace whatever the token held with nothing.
            return RemoveAsync(session.TokenId, cancellationToken);
        }

        RedisValue[] arguments =
        [
            session.TokenId,
            session.UserId,
            Format(expiresAt),
            session.Json,
            expiresAt is { } end ? end - now : RedisValue.EmptyString,
            keys.UserSessionsPrefix,
            keys.SessionPrefix,
        ];
        return executor.RunAsync(
            () => database.ScriptEvaluateAsync(AddScript, [keys.Session(session.TokenId), keys.UserSessions(session.UserId)], arguments),
            cancellationToken);
    }

    public Task<SessionRecord?> GetAsync(string tokenId, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateId(tokenId, nameof(tokenId));
        return executor.RunAsync(
            async () =>
            {
                var fields = await database.HashGetAsync(keys.Session(tokenId), SessionFields);
                if (fields[0].IsNull)
                {
                    return null;
                }

                var session = new SessionRecord(tokenId, fields[0]!, Parse(fields[1]), fields[2]!);
                return IsLive(session) ? session : null;
            },
            cancellationToken);
    }

    public Task<bool> RemoveAsync(string tokenId, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateId(tokenId, nameof(tokenId));
        return executor.RunAsync(
            async () =>
            {
                var expiry = await database.ScriptEvaluateAsync(RemoveScript, [keys.Session(tokenId)], [tokenId, keys.UserSessionsPrefix, keys.SessionPrefix]);
                return !expiry.IsNull && IsLive(Parse((RedisValue)expiry));
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<SessionRecord>> ListByUserAsync(string userId, CancellationToken cancellationToken = default)
        => ListAsync(userId, remove: false, cancellationToken);

    public async Task<IReadOnlyList<string>> RemoveByUserAsync(string userId, CancellationToken cancellationToken = default)
        => [.. (await ListAsync(userId, remove: true, cancellationToken)).Select(s => s.TokenId)];

    public Task<bool> SetExpiryAsync(string tokenId, DateTimeOffset newExpiry, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateId(tokenId, nameof(tokenId));
        return executor.RunAsync(
            async () =>
            {
                var now = Now();
                var expiresAt = newExpiry.ToUnixTimeMilliseconds();
                RedisValue[] arguments = [expiresAt, expiresAt - now, keys.UserSessionsPrefix, tokenId, now, keys.SessionPrefix];
                return (long)await database.ScriptEvaluateAsync(SetExpiryScript, [keys.Session(tokenId)], arguments) == 1;
            },
            cancellationToken);
    }

    private Task<IReadOnlyList<SessionRecord>> ListAsync(string userId, bool remove, CancellationToken cancellationToken)
    {
        StorageNames.ValidateId(userId, nameof(userId));
        return executor.RunAsync<IReadOnlyList<SessionRecord>>(
            async () =>
            {
                var reply = (RedisResult[])(await database.ScriptEvaluateAsync(
                    ListScript, [keys.UserSessions(userId)], [userId, keys.SessionPrefix, remove ? "1" : "0"]))!;
                var sessions = new List<SessionRecord>(reply.Length / 3);
                for (var i = 0; i + 2 < reply.Length; i += 3)
                {
                    var session = new SessionRecord((string)reply[i]!, userId, Parse((RedisValue)reply[i + 1]), (string)reply[i + 2]!);
                    if (IsLive(session))
                    {
                        sessions.Add(session);
                    }
                }

                sessions.Sort((a, b) => string.CompareOrdinal(a.TokenId, b.TokenId));
                return sessions;
            },
            cancellationToken);
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private bool IsLive(SessionRecord session) => IsLive(session.ExpiresAt);

    private bool IsLive(DateTimeOffset? expiresAt) => expiresAt is not { } end || end.ToUnixTimeMilliseconds() > Now();

    private static RedisValue Format(long? epochMilliseconds)
        => epochMilliseconds is { } value ? value.ToString(CultureInfo.InvariantCulture) : RedisValue.EmptyString;

    private static DateTimeOffset? Parse(RedisValue epochMilliseconds)
        => epochMilliseconds.IsNullOrEmpty ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)epochMilliseconds);
}

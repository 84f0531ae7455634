using System.Buffers.Binary;
using System.Text.Json;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Storage;

namespace Kuzzle.Realtime.Tokens;

/// <summary>
/// Issues, checks, refreshes and revokes tokens. A session token is valid only while its signature checks <b>and</b> its session
/// exists in the session store; an API key only while its fingerprint document exists. Revocations are broadcast on the change
/// feed so every node drops its cached copy and the connections linked to the token.
/// </summary>
public sealed class TokenService : IAsyncDisposable
{
    /// <summary>Change-feed channel carrying the 32-byte hash of every revoked token.</summary>
    public const string RevocationChannel = "tokens.revoked";

    private readonly TokenOptions _options;
    private readonly IStorageProvider _store;
    private readonly TimeProvider _time;
    private readonly SessionCache _cache;
    private readonly SemaphoreSlim _startLock = new(1, 1);
    private JwtCodec? _jwt;
    private IAsyncDisposable? _subscription;

    private TokenService(TokenOptions options, IStorageProvider store, TimeProvider time)
    {
        _options = options;
        _store = store;
        _time = time;
        _cache = new SessionCache(options.SessionCacheSize, options.SessionCacheMaxAge, options.OutageGrace);
        ApiKeys = new ApiKeyStore(store.Documents, time, options, this);
    }

    /// <summary>
    /// Raised on every node for every revoked token (session or API key), wherever it was revoked; on the revoking node possibly
    /// twice (at once, then from the change feed).
    /// </summary>
    public event Action<TokenHash>? Revoked;

    private const string RefreshClaimPrefix = "token-refresh:";

    // Longer than any refresh takes; afterwards the session itself says it was refreshed.
    private static readonly TimeSpan RefreshClaimWindow = TimeSpan.FromMinutes(5);

    /// <summary>The API keys.</summary>
    public ApiKeyStore ApiKeys { get; }

    /// <summary>Sessions currently cached in process (for tests and metrics).</summary>
    public int CachedSessions => _cache.Count;

    /// <summary>
    /// Loads (or generates) the secret and listens for revocations made by other nodes. A store that is down does not fail this:
    /// the service starts on first use once the store is back, and token operations answer 503 until then.
    /// </summary>
    public static async Task<TokenService> CreateAsync(TokenOptions options, IStorageProvider store, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        var service = new TokenService(options, store, time);
        try
        {
            await service.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (KuzzleException)
        {
            // The store is unreachable: retried on first use.
        }

        return service;
    }

    // Beyond a century a date is no longer representable everywhere it goes (cookies, stores): "-1" is how to ask for no expiry.
    private const long LongestTtl = 100L * 365 * 24 * 3600 * 1000;

    /// <summary>A requested lifetime in ms: -1 (none) or 1 ms to a century; anything else is <c>api.assert.invalid_argument</c>.</summary>
    internal static long CheckLifetime(long ttl) =>
        ttl is 0 or < -1 or > LongestTtl
            ? throw KuzzleErrors.Api.Assert.InvalidArgument.Create("expiresIn", "a number of milliseconds, or a parsable timespan string")
            : ttl;

    /// <summary>
    /// Resolves a requested lifetime against the configuration: null = the default; -1 = infinite; anything above
    /// <see cref="TokenOptions.MaxTtl"/> (or infinite when a maximum is set) is <c>security.token.ttl_exceeded</c>; above a
    /// century, <c>api.assert.invalid_argument</c>.
    /// </summary>
    public long ResolveTtl(long? expiresInMs, long maxTtl)
    {
        var ttl = CheckLifetime(expiresInMs ?? _options.DefaultExpiresIn);

        if (maxTtl > -1 && (ttl == -1 || ttl > maxTtl))
        {
            throw KuzzleErrors.Security.Token.TtlExceeded.Create();
        }

        return ttl;
    }

    /// <summary>Creates a session token for a user.</summary>
    public async ValueTask<AuthToken> CreateAsync(string kuid, long? expiresInMs, bool singleUse = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kuid);
        var ttl = ResolveTtl(expiresInMs, _options.MaxTtl);
        var now = NowMs();
        var expiresAt = ttl == -1 ? -1 : now + ttl;
        var jwt = await StartAsync(cancellationToken).ConfigureAwait(false);
        var token = AuthToken.AuthPrefix + jwt.Create(kuid, now, ttl == -1 ? null : expiresAt);
        var issued = new AuthToken(kuid, token, TokenHash.Compute(token), TokenKind.Auth, expiresAt, ttl, SingleUse: singleUse);
        await GuardAsync(_store.Sessions.AddAsync(ToSession(issued), cancellationToken)).ConfigureAwait(false);
        return issued;
    }

    /// <summary>
    /// Checks a token string: prefix, pinned algorithm, signature, expiry, then its session or API key. Throws
    /// <c>security.token.invalid</c> or <c>security.token.expired</c>. A single-use token is consumed by this call.
    /// </summary>
    public ValueTask<AuthToken> VerifyAsync(string token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token))
        {
            return ValueTask.FromException<AuthToken>(KuzzleErrors.Security.Token.Invalid.Create());
        }

        if (_cache.Get(token, NowMs()) is { } cached)
        {
            return ValueTask.FromResult(cached);
        }

        return VerifyOrGraceAsync(token, cancellationToken);
    }

    private async ValueTask<AuthToken> VerifyOrGraceAsync(string token, CancellationToken cancellationToken)
    {
        try
        {
            return await VerifyUncachedAsync(token, TokenHash.Compute(token), cancellationToken).ConfigureAwait(false);
        }
        catch (KuzzleException e) when (e.Definition == KuzzleErrors.Services.Cache.NotConnected && _cache.GetDuringOutage(token, NowMs()) is not null)
        {
            // The store is away: trust what was checked recently (TokenOptions.OutageGrace) rather than cut every connected client off.
            return _cache.GetDuringOutage(token, NowMs())!;
        }
    }

    /// <summary>
    /// Replaces a session token with a new one (<c>auth:refreshToken</c>): the old one keeps working for the grace period only.
    /// </summary>
    public async ValueTask<AuthToken> RefreshAsync(AuthToken current, long? expiresInMs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (current.Kind == TokenKind.ApiKey)
        {
            throw KuzzleErrors.Security.Token.RefreshForbidden.Create("API Key");
        }

        if (current.IsInfinite)
        {
            throw KuzzleErrors.Security.Token.RefreshForbidden.Create("Token with infinite TTL");
        }

        var session = await GuardAsync(_store.Sessions.GetAsync(current.Hash.ToHex(), cancellationToken)).ConfigureAwait(false);
        if (session is null || ReadSession(session).Refreshed)
        {
            throw KuzzleErrors.Security.Token.Invalid.Create();
        }

        // Two refreshes that both read the session before either marked it: only the first to claim it (one atomic increment
        // in the shared counters, on every node) goes on.
        var claims = await GuardAsync(_store.Counters.IncrementAsync(RefreshClaimPrefix + session.TokenId, RefreshClaimWindow, cancellationToken)).ConfigureAwait(false);
        if (claims != 1)
        {
            throw KuzzleErrors.Security.Token.Invalid.Create();
        }

        var fresh = await CreateAsync(current.Kuid, expiresInMs, cancellationToken: cancellationToken).ConfigureAwait(false);
        var graceEnd = NowMs() + _options.GracePeriod;
        var old = current with { Refreshed = true, ExpiresAt = current.ExpiresAt == -1 ? graceEnd : Math.Min(current.ExpiresAt, graceEnd) };
        await GuardAsync(_store.Sessions.AddAsync(ToSession(old), cancellationToken)).ConfigureAwait(false);
        _cache.Remove(current.Hash);
        await PublishAsync(current.Hash, notify: false, cancellationToken).ConfigureAwait(false);
        return fresh;
    }

    /// <summary>Revokes one session token now, on every node. API keys are revoked through <see cref="ApiKeys"/>.</summary>
    public async ValueTask<bool> RevokeAsync(AuthToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Kind != TokenKind.Auth)
        {
            return false;
        }

        var removed = await GuardAsync(_store.Sessions.RemoveAsync(token.Hash.ToHex(), cancellationToken)).ConfigureAwait(false);
        await InvalidateAsync(token.Hash, cancellationToken).ConfigureAwait(false);
        return removed;
    }

    /// <summary>Revokes every session token of a user (API keys are kept); returns how many were revoked.</summary>
    public async ValueTask<int> RevokeAllAsync(string kuid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kuid);
        var removed = await GuardAsync(_store.Sessions.RemoveByUserAsync(kuid, cancellationToken)).ConfigureAwait(false);
        foreach (var id in removed)
        {
            if (TokenHash.TryParse(id, out var hash))
            {
                await InvalidateAsync(hash, cancellationToken).ConfigureAwait(false);
            }
        }

        return removed.Count;
    }

    /// <summary>
    /// Revokes every session token of a user but <paramref name="keep"/> (a password change keeps the session that made it);
    /// API keys are kept. Returns how many were revoked.
    /// </summary>
    public async ValueTask<int> RevokeAllExceptAsync(string kuid, TokenHash? keep, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kuid);
        var kept = keep?.ToHex();
        var sessions = await GuardAsync(_store.Sessions.ListByUserAsync(kuid, cancellationToken)).ConfigureAwait(false);
        var revoked = 0;
        foreach (var session in sessions)
        {
            if (session.TokenId == kept || !TokenHash.TryParse(session.TokenId, out var hash))
            {
                continue;
            }

            await GuardAsync(_store.Sessions.RemoveAsync(session.TokenId, cancellationToken)).ConfigureAwait(false);
            await InvalidateAsync(hash, cancellationToken).ConfigureAwait(false);
            revoked++;
        }

        return revoked;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync().ConfigureAwait(false);
        }

        _startLock.Dispose();
    }

    /// <summary>The codec, once the secret is loaded; loads it (and subscribes to revocations) on the first call that finds it missing.</summary>
    internal async ValueTask<JwtCodec> StartAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _jwt) is { } ready)
        {
            return ready;
        }

        await _startLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_jwt is { } started)
            {
                return started;
            }

            var secret = await GuardAsync(TokenSecret.LoadOrCreateAsync(_store.Documents, _options.Secret, cancellationToken)).ConfigureAwait(false);
            _subscription ??= await GuardAsync(_store.ChangeFeed.SubscribeAsync(RevocationChannel, OnRevocationMessage, cancellationToken)).ConfigureAwait(false);
            var codec = new JwtCodec(secret, _options.Algorithm, TimeSpan.FromMilliseconds(_options.ClockSkew), _time);
            Volatile.Write(ref _jwt, codec);
            return codec;
        }
        finally
        {
            _startLock.Release();
        }
    }

    /// <summary>Drops a token from every node's cache and tells every node it is revoked.</summary>
    internal async ValueTask InvalidateAsync(TokenHash hash, CancellationToken cancellationToken)
    {
        // Told here at once (so this node's connections lose the token before the revoking request returns), and again by the
        // change feed on every node including this one: listeners must be idempotent.
        _cache.Remove(hash);
        Revoked?.Invoke(hash);
        await PublishAsync(hash, notify: true, cancellationToken).ConfigureAwait(false);
    }

    internal long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    internal static async Task<T> GuardAsync<T>(Task<T> operation)
    {
        try
        {
            return await operation.ConfigureAwait(false);
        }
        catch (StorageUnavailableException)
        {
            throw KuzzleErrors.Services.Cache.NotConnected.Create();
        }
    }

    internal static async Task GuardAsync(Task operation)
    {
        try
        {
            await operation.ConfigureAwait(false);
        }
        catch (StorageUnavailableException)
        {
            throw KuzzleErrors.Services.Cache.NotConnected.Create();
        }
    }

    private async ValueTask<AuthToken> VerifyUncachedAsync(string token, TokenHash hash, CancellationToken cancellationToken)
    {
        var kind = token.StartsWith(AuthToken.AuthPrefix, StringComparison.Ordinal) ? TokenKind.Auth
            : token.StartsWith(AuthToken.ApiKeyPrefix, StringComparison.Ordinal) ? TokenKind.ApiKey
            : throw KuzzleErrors.Security.Token.Invalid.Create();
        var compact = kind == TokenKind.Auth ? token[AuthToken.AuthPrefix.Length..] : token[AuthToken.ApiKeyPrefix.Length..];
        var generation = _cache.Generation;
        var jwt = await StartAsync(cancellationToken).ConfigureAwait(false);
        var claims = await jwt.ValidateAsync(compact).ConfigureAwait(false);
        var checkedToken = kind == TokenKind.Auth
            ? await CheckSessionAsync(token, hash, claims, cancellationToken).ConfigureAwait(false)
            : await ApiKeys.CheckAsync(token, hash, claims, cancellationToken).ConfigureAwait(false);
        if (!checkedToken.SingleUse)
        {
            _cache.Add(checkedToken, NowMs(), generation);
        }

        return checkedToken;
    }

    private async ValueTask<AuthToken> CheckSessionAsync(string token, TokenHash hash, JwtClaims claims, CancellationToken cancellationToken)
    {
        var record = await GuardAsync(_store.Sessions.GetAsync(hash.ToHex(), cancellationToken)).ConfigureAwait(false);
        if (record is null && claims.ExpiresAt is { } exp && exp <= NowMs())
        {
            // Expired within the clock skew: the session is already gone, but the client deserves "expired", not "invalid".
            throw KuzzleErrors.Security.Token.Expired.Create();
        }

        if (record is null || record.UserId != claims.Kuid)
        {
            throw KuzzleErrors.Security.Token.Invalid.Create();
        }

        var session = ReadSession(record);

        // A token without exp is only valid if the server issued it as infinite.
        if (claims.ExpiresAt is null && session.Ttl != -1)
        {
            throw KuzzleErrors.Security.Token.Invalid.Create();
        }

        var expiresAt = record.ExpiresAt?.ToUnixTimeMilliseconds() ?? -1;
        var result = new AuthToken(claims.Kuid, token, hash, TokenKind.Auth, expiresAt, session.Ttl, session.Refreshed, session.SingleUse);
        if (session.SingleUse)
        {
            // Consumed by its first use; a concurrent second use finds nothing.
            if (!await GuardAsync(_store.Sessions.RemoveAsync(record.TokenId, cancellationToken)).ConfigureAwait(false))
            {
                throw KuzzleErrors.Security.Token.Invalid.Create();
            }
        }

        return result;
    }

    private static SessionDocument ReadSession(SessionRecord record)
    {
        try
        {
            return JsonSerializer.Deserialize(record.Json, TokenJsonContext.Default.SessionDocument) ?? throw KuzzleErrors.Security.Token.Invalid.Create();
        }
        catch (JsonException)
        {
            throw KuzzleErrors.Security.Token.Invalid.Create();
        }
    }

    private static SessionRecord ToSession(AuthToken token)
    {
        var json = JsonSerializer.Serialize(
            new SessionDocument { UserId = token.Kuid, ExpiresAt = token.ExpiresAt, Ttl = token.Ttl, Refreshed = token.Refreshed, SingleUse = token.SingleUse },
            TokenJsonContext.Default.SessionDocument);
        return new SessionRecord(
            token.Hash.ToHex(), token.Kuid, token.ExpiresAt == -1 ? null : DateTimeOffset.FromUnixTimeMilliseconds(token.ExpiresAt), json);
    }

    // The first byte says whether listeners (connections linked to the token) must be told, or only caches dropped (refresh).
    private Task PublishAsync(TokenHash hash, bool notify, CancellationToken cancellationToken)
    {
        var payload = new byte[33];
        payload[0] = notify ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt64BigEndian(payload.AsSpan(1), hash.A);
        BinaryPrimitives.WriteUInt64BigEndian(payload.AsSpan(9), hash.B);
        BinaryPrimitives.WriteUInt64BigEndian(payload.AsSpan(17), hash.C);
        BinaryPrimitives.WriteUInt64BigEndian(payload.AsSpan(25), hash.D);
        return GuardAsync(_store.ChangeFeed.PublishAsync(RevocationChannel, payload, cancellationToken));
    }

    private ValueTask OnRevocationMessage(ReadOnlyMemory<byte> payload)
    {
        if (payload.Length != 33)
        {
            return ValueTask.CompletedTask;
        }

        var span = payload.Span;
        var hash = new TokenHash(
            BinaryPrimitives.ReadUInt64BigEndian(span[1..]),
            BinaryPrimitives.ReadUInt64BigEndian(span[9..]),
            BinaryPrimitives.ReadUInt64BigEndian(span[17..]),
            BinaryPrimitives.ReadUInt64BigEndian(span[25..]));
        _cache.Remove(hash);
        if (span[0] == 1)
        {
            Revoked?.Invoke(hash);
        }

        return ValueTask.CompletedTask;
    }
}

namespace Kuzzle.Realtime.Tokens;

/// <summary>What kind of credential a token string is.</summary>
public enum TokenKind
{
    /// <summary>A session token from login, refreshToken or createToken (<c>kauth-</c>).</summary>
    Auth,

    /// <summary>An API key (<c>kapikey-</c>): a stored fingerprint, no session.</summary>
    ApiKey,
}

/// <summary>A checked token: who it authenticates and until when.</summary>
/// <param name="Kuid">The user it authenticates.</param>
/// <param name="Token">The token string as the client sends it (with its prefix).</param>
/// <param name="Hash">SHA-256 of <paramref name="Token"/>: its session id, fingerprint and cache key.</param>
/// <param name="Kind">Session token or API key.</param>
/// <param name="ExpiresAt">Expiry in Unix milliseconds, or -1 for none.</param>
/// <param name="Ttl">The lifetime it was created with (ms), or -1.</param>
/// <param name="Refreshed">True once <c>auth:refreshToken</c> replaced it (it then lives only for the grace period).</param>
/// <param name="SingleUse">True for a <c>createToken</c> single-use token.</param>
/// <param name="ApiKeyId">The API key document id, for API keys.</param>
public sealed record AuthToken(
    string Kuid,
    string Token,
    TokenHash Hash,
    TokenKind Kind,
    long ExpiresAt,
    long Ttl,
    bool Refreshed = false,
    bool SingleUse = false,
    string? ApiKeyId = null)
{
    /// <summary>Prefix of session tokens.</summary>
    public const string AuthPrefix = "kauth-";

    /// <summary>Prefix of API keys (the SDK's setAPIKey requires it).</summary>
    public const string ApiKeyPrefix = "kapikey-";

    /// <summary>True for tokens that never expire.</summary>
    public bool IsInfinite => ExpiresAt == -1;
}

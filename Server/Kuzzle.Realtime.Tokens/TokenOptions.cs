namespace Kuzzle.Realtime.Tokens;

/// <summary>How auth tokens and API keys are signed, how long they live, and how long a checked session may be trusted.</summary>
public sealed class TokenOptions
{
    /// <summary>The only JWT algorithm accepted and produced: HS256, HS384 or HS512.</summary>
    public string Algorithm { get; set; } = "HS256";

    /// <summary>Lifetime of a token when the request gives no <c>expiresIn</c> (ms).</summary>
    public long DefaultExpiresIn { get; set; } = 3_600_000;

    /// <summary>Longest lifetime a client may ask for (ms); -1 = no maximum (infinite tokens allowed).</summary>
    public long MaxTtl { get; set; } = -1;

    /// <summary>Longest lifetime of an API key created through <c>auth:createApiKey</c> (ms); -1 = no maximum.</summary>
    public long ApiKeyMaxTtl { get; set; } = -1;

    /// <summary>How long a refreshed token keeps working, so requests already in flight still pass (ms).</summary>
    public long GracePeriod { get; set; } = 1000;

    /// <summary>Signing secret; null = generated on first start and persisted in the store.</summary>
    public string? Secret { get; set; }

    /// <summary>Tolerance on <c>exp</c> for clocks of different nodes (ms).</summary>
    public long ClockSkew { get; set; } = 1000;

    /// <summary>
    /// Longest time a checked session is trusted without reading the store again (ms). Revocations made anywhere are also pushed to
    /// every node through the change feed, so this only bounds the delay when such a message is lost (e.g. a Redis failover).
    /// </summary>
    public long SessionCacheMaxAge { get; set; } = 5000;

    /// <summary>
    /// While the store (Redis) is unreachable, a session checked at most this long ago (ms, beyond <see cref="SessionCacheMaxAge"/>)
    /// keeps being accepted from the in-process cache, so connected clients ride out a short outage; 0 = fail at once.
    /// Revocations made on other nodes during the outage are not seen until it ends.
    /// </summary>
    public long OutageGrace { get; set; } = 60_000;

    /// <summary>Most sessions held in the in-process cache.</summary>
    public int SessionCacheSize { get; set; } = 100_000;

    /// <summary>Checks the values; returns the problems found.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Algorithm is not ("HS256" or "HS384" or "HS512"))
        {
            errors.Add($"Security:AuthToken:Algorithm must be HS256, HS384 or HS512 (got \"{Algorithm}\").");
        }

        if (DefaultExpiresIn is 0 or < -1)
        {
            errors.Add("Security:AuthToken:DefaultExpiresIn must be a positive number of milliseconds, or -1.");
        }

        if (MaxTtl is 0 or < -1 || ApiKeyMaxTtl is 0 or < -1)
        {
            errors.Add("Security:AuthToken:MaxTtl and ApiKeyMaxTtl must be positive numbers of milliseconds, or -1.");
        }

        if (GracePeriod < 0 || ClockSkew < 0 || SessionCacheMaxAge < 0 || SessionCacheSize < 0 || OutageGrace < 0)
        {
            errors.Add("Security:AuthToken:GracePeriod, ClockSkew, SessionCacheMaxAge, SessionCacheSize and OutageGrace must not be negative.");
        }

        if (Secret is { Length: < 32 })
        {
            errors.Add("Security:AuthToken:Secret must hold at least 32 characters (leave it empty to have one generated).");
        }

        return errors;
    }
}

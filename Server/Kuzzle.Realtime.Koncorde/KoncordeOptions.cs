namespace Kuzzle.Realtime.Koncorde;

/// <summary>Settings of a <see cref="KoncordeEngine"/>.</summary>
public sealed class KoncordeOptions
{
    /// <summary>Maximum number of conditions of a normalised filter (Kuzzle's <c>limits.subscriptionConditionsCount</c>); 0 disables the check.</summary>
    public int MaxConditions { get; init; } = 100;

    /// <summary>HMAC key of filter ids: 32 ASCII characters. The default is Kuzzle's fixed seed, so room ids match Kuzzle's.</summary>
    public string Seed { get; init; } = "^m&mOISKBvb1xpl1mRsrylaQXpjb&IJX";

    /// <summary>Upper bound on subfilters produced by normalisation. Koncorde has none and stalls on such filters; we reject them.</summary>
    public int MaxSubfilters { get; init; } = 4096;
}

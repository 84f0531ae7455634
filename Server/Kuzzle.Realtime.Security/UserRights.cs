namespace Kuzzle.Realtime.Security;

/// <summary>
/// A user's compiled profiles, ready for the funnel: built by <see cref="RightsCache.GetUserRightsAsync"/>, kept with
/// the connection or token, and reused while <see cref="RightsCache.IsCurrent"/> says so. Immutable.
/// </summary>
public sealed class UserRights
{
    private readonly CompiledRights[] _profiles;

    public UserRights(string kuid, IEnumerable<CompiledRights> profiles, long generation = 0)
    {
        ArgumentNullException.ThrowIfNull(kuid);
        ArgumentNullException.ThrowIfNull(profiles);
        Kuid = kuid;
        _profiles = [.. profiles];
        Generation = generation;
        RateLimit = RightsEvaluator.RateLimit(_profiles);
    }

    public string Kuid { get; }

    /// <summary>The cache generation the profiles were read at.</summary>
    public long Generation { get; }

    public IReadOnlyList<CompiledRights> Profiles => _profiles;

    /// <summary>Effective requests-per-second limit (0 = unlimited), security.md §3.5.</summary>
    public long RateLimit { get; }

    /// <summary>The funnel check, security.md §3.3 (see <see cref="RightsEvaluator.IsAllowed"/>). Allocates nothing.</summary>
    public bool IsAllowed(in RightsRequest request) => RightsEvaluator.IsAllowed(Kuid, _profiles, request);

    /// <summary>The error id the funnel raises when <see cref="IsAllowed"/> is false.</summary>
    public string DeniedErrorId => RightsEvaluator.DeniedErrorId(Kuid);

    /// <summary>getUserRights / getMyRights items.</summary>
    public IReadOnlyList<RightsItem> ListRights() => RightsEvaluator.ListRights(_profiles);
}

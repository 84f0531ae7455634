using System.Collections.Frozen;

namespace Kuzzle.Realtime.Security;

/// <summary>
/// A profile compiled once for per-request checks: each policy's <see cref="CompiledRole"/> and its restrictions as
/// a frozen index → collections table (security.md §3.2). Immutable and thread-safe; checks allocate nothing.
/// </summary>
public sealed class CompiledRights
{
    private readonly CompiledPolicy[] _policies;

    private CompiledRights(Profile profile, CompiledPolicy[] policies, long generation)
    {
        Profile = profile;
        _policies = policies;
        Generation = generation;
        RoleIds = policies.Select(p => p.Role.Id).ToFrozenSet(StringComparer.Ordinal);
    }

    public string ProfileId => Profile.Id;

    /// <summary>The profile definition compiled.</summary>
    public Profile Profile { get; }

    /// <summary>The profile's rate limit (0 = unlimited).</summary>
    public long RateLimit => Profile.RateLimit;

    /// <summary>The <see cref="RightsCache.Generation"/> this was compiled under (0 outside a cache).</summary>
    public long Generation { get; }

    /// <summary>The roles the profile's policies use (a role change invalidates this table).</summary>
    public IReadOnlySet<string> RoleIds { get; }

    internal ReadOnlySpan<CompiledPolicy> Policies => _policies;

    /// <summary>Compiles <paramref name="profile"/>, resolving its roles through <paramref name="roles"/>.</summary>
    /// <exception cref="SecurityValidationException">
    /// security.profile.cannot_hydrate when a role is missing (<paramref name="roles"/> returned null).
    /// </exception>
    public static CompiledRights Compile(Profile profile, Func<string, CompiledRole?> roles, long generation = 0)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(roles);
        var policies = new CompiledPolicy[profile.Policies.Count];
        for (var i = 0; i < policies.Length; i++)
        {
            var policy = profile.Policies[i];
            var role = roles(policy.RoleId)
                ?? throw new SecurityValidationException(SecurityErrorIds.ProfileCannotHydrate, profile.Id);
            policies[i] = new CompiledPolicy(role, policy.RestrictedTo);
        }

        return new CompiledRights(profile, policies, generation);
    }

    /// <summary>Compiles <paramref name="profile"/> with role definitions (each compiled here).</summary>
    public static CompiledRights Compile(Profile profile, IReadOnlyDictionary<string, Role> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var compiled = new Dictionary<string, CompiledRole>(StringComparer.Ordinal);
        return Compile(profile, id =>
        {
            if (compiled.TryGetValue(id, out var role))
            {
                return role;
            }

            if (!roles.TryGetValue(id, out var definition))
            {
                return null;
            }

            role = CompiledRole.Compile(definition);
            compiled[id] = role;
            return role;
        });
    }

    /// <summary>Profile level: some policy's role allows the action and the policy covers index/collection.</summary>
    public bool IsAllowed(string controller, string action, string? index, string? collection)
    {
        foreach (var policy in _policies)
        {
            if (policy.Role.IsActionAllowed(controller, action) && policy.Covers(index, collection))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether some policy's role allows the action, restrictions aside.</summary>
    public bool AllowsAction(string controller, string action)
    {
        foreach (var policy in _policies)
        {
            if (policy.Role.IsActionAllowed(controller, action))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The profile's rights listing (getProfileRights), security.md §3.4.</summary>
    public IReadOnlyList<RightsItem> ListRights() => RightsEvaluator.ListRights([this]);
}

/// <summary>A policy of a compiled profile: its role and its restrictions.</summary>
internal sealed class CompiledPolicy
{
    // null: unrestricted. A null collections set: every collection of that index.
    private readonly FrozenDictionary<string, FrozenSet<string>?>? _restrictions;

    public CompiledPolicy(CompiledRole role, IReadOnlyList<PolicyRestriction>? restrictedTo)
    {
        Role = role;
        // Kuzzle's optimisation: indexes de-duplicated in first-appearance order, empty index names dropped, each
        // index's collections united, unique and sorted (ordinal, as JavaScript's default sort on these names).
        // An index listed once without collections and once with some ends up restricted to those.
        var order = new List<string>();
        var collections = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var restriction in restrictedTo ?? [])
        {
            if (string.IsNullOrEmpty(restriction.Index))
            {
                continue;
            }

            if (!collections.TryGetValue(restriction.Index, out var set))
            {
                set = new SortedSet<string>(StringComparer.Ordinal);
                collections[restriction.Index] = set;
                order.Add(restriction.Index);
            }

            set.UnionWith(restriction.Collections ?? []);
        }

        Restrictions = [.. order.Select(i => new KeyValuePair<string, IReadOnlyList<string>>(i, [.. collections[i]]))];
        _restrictions = order.Count == 0
            ? null
            : collections.ToFrozenDictionary(
                kv => kv.Key,
                kv => kv.Value.Count == 0 ? null : kv.Value.ToFrozenSet(StringComparer.Ordinal),
                StringComparer.Ordinal);
    }

    public CompiledRole Role { get; }

    /// <summary>Restricted indexes in order with their sorted collections (empty: all); empty when unrestricted.</summary>
    public IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Restrictions { get; }

    /// <summary>security.md §3.2.</summary>
    public bool Covers(string? index, string? collection)
    {
        if (_restrictions is null || string.IsNullOrEmpty(index))
        {
            return true;
        }

        if (!_restrictions.TryGetValue(index, out var collections))
        {
            return false;
        }

        // Kuzzle quirk kept: an index-only request on a collection-restricted index is covered.
        return collections is null || collection is null || collections.Contains(collection);
    }
}

using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Kuzzle.Realtime.Security;

/// <summary>
/// Compiled profiles (and their compiled roles) by id. The cache is one immutable state (generation + tables) swapped
/// atomically: an invalidation replaces it with a state of the next generation without the stale entries, and a load
/// adds its result only to a state of the generation it started under. So a compilation that raced with a role/profile
/// write is never kept, and a caller holding compiled rights built at generation g may keep using them while
/// <see cref="Generation"/> is still g. Thread-safe; a hit allocates nothing.
/// </summary>
/// <remarks>
/// WARNING: call the Invalidate methods after the new definition is readable from storage (and on every node),
/// or a concurrent load may read the old one after the invalidation and cache it.
/// </remarks>
public sealed class RightsCache
{
    private State _state = State.Empty;

    /// <summary>Bumped by every invalidation.</summary>
    public long Generation => Volatile.Read(ref _state).Generation;

    /// <summary>Number of compiled profiles held.</summary>
    public int Count => Volatile.Read(ref _state).Profiles.Count;

    /// <summary>The compiled profile, if cached.</summary>
    public bool TryGet(string profileId, [NotNullWhen(true)] out CompiledRights? rights) =>
        Volatile.Read(ref _state).Profiles.TryGetValue(profileId, out rights);

    /// <summary>
    /// The compiled profile, loading and compiling it (and its uncached roles) on a miss.
    /// </summary>
    /// <param name="profileId">Profile id.</param>
    /// <param name="loadProfile">Reads a profile definition; null when it does not exist.</param>
    /// <param name="loadRole">Reads a role definition; null when it does not exist.</param>
    /// <param name="cancellationToken">Cancels loading.</param>
    /// <exception cref="SecurityValidationException">
    /// security.profile.not_found (missing profile), security.profile.cannot_hydrate (missing role).
    /// </exception>
    public ValueTask<CompiledRights> GetAsync(
        string profileId,
        Func<string, CancellationToken, ValueTask<Profile?>> loadProfile,
        Func<string, CancellationToken, ValueTask<Role?>> loadRole,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        var state = Volatile.Read(ref _state);
        return state.Profiles.TryGetValue(profileId, out var rights)
            ? ValueTask.FromResult(rights)
            : LoadAsync(state, profileId, loadProfile, loadRole, cancellationToken);
    }

    /// <summary>Synchronous <see cref="GetAsync"/>, for in-memory definitions.</summary>
    public CompiledRights Get(string profileId, Func<string, Profile?> loadProfile, Func<string, Role?> loadRole)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        ArgumentNullException.ThrowIfNull(loadProfile);
        ArgumentNullException.ThrowIfNull(loadRole);
        var state = Volatile.Read(ref _state);
        if (state.Profiles.TryGetValue(profileId, out var cached))
        {
            return cached;
        }

        var profile = loadProfile(profileId)
            ?? throw new SecurityValidationException(SecurityErrorIds.ProfileNotFound, profileId);
        var roles = new Dictionary<string, CompiledRole?>(StringComparer.Ordinal);
        foreach (var policy in profile.Policies)
        {
            if (!roles.ContainsKey(policy.RoleId))
            {
                roles[policy.RoleId] = state.Roles.TryGetValue(policy.RoleId, out var role)
                    ? role
                    : Compile(loadRole(policy.RoleId));
            }
        }

        return Keep(state.Generation, CompiledRights.Compile(profile, id => roles[id], state.Generation), roles);
    }

    /// <summary>Whether <paramref name="rights"/> was built at the current generation (no invalidation since).</summary>
    public bool IsCurrent(UserRights rights)
    {
        ArgumentNullException.ThrowIfNull(rights);
        return rights.Generation == Generation;
    }

    /// <summary>
    /// The compiled profiles of a user, each through <see cref="GetAsync"/>. Keep the result with the connection
    /// or token and rebuild it when <see cref="IsCurrent"/> turns false.
    /// </summary>
    /// <exception cref="SecurityValidationException">
    /// security.profile.not_found, security.profile.cannot_hydrate (see <see cref="GetAsync"/>).
    /// </exception>
    public async ValueTask<UserRights> GetUserRightsAsync(
        string kuid,
        IReadOnlyList<string> profileIds,
        Func<string, CancellationToken, ValueTask<Profile?>> loadProfile,
        Func<string, CancellationToken, ValueTask<Role?>> loadRole,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kuid);
        ArgumentNullException.ThrowIfNull(profileIds);

        // Tagged with the generation read first: a profile read from a later state only makes the result not current.
        var generation = Generation;
        var profiles = new CompiledRights[profileIds.Count];
        for (var i = 0; i < profiles.Length; i++)
        {
            profiles[i] = await GetAsync(profileIds[i], loadProfile, loadRole, cancellationToken).ConfigureAwait(false);
        }

        return new UserRights(kuid, profiles, generation);
    }

    /// <summary>A role changed or was deleted: drops it and every profile using it.</summary>
    public void InvalidateRole(string roleId)
    {
        ArgumentNullException.ThrowIfNull(roleId);
        Replace(state =>
        {
            var profiles = state.Profiles;
            foreach (var (id, rights) in state.Profiles)
            {
                if (rights.RoleIds.Contains(roleId))
                {
                    profiles = profiles.Remove(id);
                }
            }

            return new State(state.Generation + 1, profiles, state.Roles.Remove(roleId));
        });
    }

    /// <summary>A profile changed or was deleted: drops it.</summary>
    public void InvalidateProfile(string profileId)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        Replace(state => new State(state.Generation + 1, state.Profiles.Remove(profileId), state.Roles));
    }

    /// <summary>Drops everything (security reset, restrictDefaultRights, lost invalidation messages).</summary>
    public void Clear() => Replace(state => new State(state.Generation + 1, State.Empty.Profiles, State.Empty.Roles));

    private async ValueTask<CompiledRights> LoadAsync(
        State state,
        string profileId,
        Func<string, CancellationToken, ValueTask<Profile?>> loadProfile,
        Func<string, CancellationToken, ValueTask<Role?>> loadRole,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loadProfile);
        ArgumentNullException.ThrowIfNull(loadRole);
        var profile = await loadProfile(profileId, cancellationToken).ConfigureAwait(false)
            ?? throw new SecurityValidationException(SecurityErrorIds.ProfileNotFound, profileId);
        var roles = new Dictionary<string, CompiledRole?>(StringComparer.Ordinal);
        foreach (var policy in profile.Policies)
        {
            if (roles.ContainsKey(policy.RoleId))
            {
                continue;
            }

            roles[policy.RoleId] = state.Roles.TryGetValue(policy.RoleId, out var cached)
                ? cached
                : Compile(await loadRole(policy.RoleId, cancellationToken).ConfigureAwait(false));
        }

        return Keep(state.Generation, CompiledRights.Compile(profile, id => roles[id], state.Generation), roles);
    }

    private static CompiledRole? Compile(Role? loaded) => loaded is null ? null : CompiledRole.Compile(loaded);

    // Added only while the generation the load started under is still current: an invalidation in between means the
    // definitions read may predate the write it announced.
    private CompiledRights Keep(long generation, CompiledRights rights, Dictionary<string, CompiledRole?> roles)
    {
        while (true)
        {
            var current = Volatile.Read(ref _state);
            if (current.Generation != generation)
            {
                return rights;
            }

            var roleTable = current.Roles;
            foreach (var (id, role) in roles)
            {
                if (role is not null && !roleTable.ContainsKey(id))
                {
                    roleTable = roleTable.SetItem(id, role);
                }
            }

            var next = new State(generation, current.Profiles.SetItem(rights.ProfileId, rights), roleTable);
            if (ReferenceEquals(Interlocked.CompareExchange(ref _state, next, current), current))
            {
                return rights;
            }
        }
    }

    private void Replace(Func<State, State> change)
    {
        while (true)
        {
            var current = Volatile.Read(ref _state);
            if (ReferenceEquals(Interlocked.CompareExchange(ref _state, change(current), current), current))
            {
                return;
            }
        }
    }

    // A class, not a record: the compare-and-swap loops compare references.
    private sealed class State(
        long generation,
        ImmutableDictionary<string, CompiledRights> profiles,
        ImmutableDictionary<string, CompiledRole> roles)
    {
        public static readonly State Empty = new(
            0,
            ImmutableDictionary.Create<string, CompiledRights>(StringComparer.Ordinal),
            ImmutableDictionary.Create<string, CompiledRole>(StringComparer.Ordinal));

        public long Generation { get; } = generation;

        public ImmutableDictionary<string, CompiledRights> Profiles { get; } = profiles;

        public ImmutableDictionary<string, CompiledRole> Roles { get; } = roles;
    }
}

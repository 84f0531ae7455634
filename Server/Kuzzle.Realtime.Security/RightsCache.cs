using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Kuzzle.Realtime.Security;

/// <summary>
/// Compiled profiles (and their compiled roles) by id, valid for one <see cref="Generation"/>. Every invalidation
/// bumps the generation, so a compilation that raced with a role/profile write is never kept, and a caller holding
/// compiled rights built at generation g may keep using them while <see cref="Generation"/> is still g.
/// Thread-safe; a hit allocates nothing.
/// </summary>
/// <remarks>
/// WARNING: call the Invalidate methods after the new definition is readable from storage (and on every node),
/// or a concurrent load may cache the old one under the new generation.
/// </remarks>
public sealed class RightsCache
{
    private readonly ConcurrentDictionary<string, CompiledRights> _profiles = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CompiledRole> _roles = new(StringComparer.Ordinal);
    private long _generation;

    /// <summary>Bumped by every invalidation.</summary>
    public long Generation => Volatile.Read(ref _generation);

    /// <summary>Number of compiled profiles held.</summary>
    public int Count => _profiles.Count;

    /// <summary>The compiled profile, if cached.</summary>
    public bool TryGet(string profileId, [NotNullWhen(true)] out CompiledRights? rights) =>
        _profiles.TryGetValue(profileId, out rights);

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
        return _profiles.TryGetValue(profileId, out var rights)
            ? ValueTask.FromResult(rights)
            : LoadAsync(profileId, loadProfile, loadRole, cancellationToken);
    }

    /// <summary>Synchronous <see cref="GetAsync"/>, for in-memory definitions.</summary>
    public CompiledRights Get(string profileId, Func<string, Profile?> loadProfile, Func<string, Role?> loadRole)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        ArgumentNullException.ThrowIfNull(loadProfile);
        ArgumentNullException.ThrowIfNull(loadRole);
        if (_profiles.TryGetValue(profileId, out var cached))
        {
            return cached;
        }

        var generation = Generation;
        var profile = loadProfile(profileId)
            ?? throw new SecurityValidationException(SecurityErrorIds.ProfileNotFound, profileId);
        var roles = new Dictionary<string, CompiledRole?>(StringComparer.Ordinal);
        foreach (var policy in profile.Policies)
        {
            if (!roles.ContainsKey(policy.RoleId))
            {
                roles[policy.RoleId] = _roles.TryGetValue(policy.RoleId, out var role)
                    ? role
                    : GetRole(policy.RoleId, generation, loadRole(policy.RoleId));
            }
        }

        return Store(profileId, CompiledRights.Compile(profile, id => roles[id], generation));
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
        Interlocked.Increment(ref _generation);
        _roles.TryRemove(roleId, out _);
        foreach (var (id, rights) in _profiles)
        {
            if (rights.RoleIds.Contains(roleId))
            {
                _profiles.TryRemove(new KeyValuePair<string, CompiledRights>(id, rights));
            }
        }
    }

    /// <summary>A profile changed or was deleted: drops it.</summary>
    public void InvalidateProfile(string profileId)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        Interlocked.Increment(ref _generation);
        _profiles.TryRemove(profileId, out _);
    }

    /// <summary>Drops everything (security reset, restrictDefaultRights, lost invalidation messages).</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _profiles.Clear();
        _roles.Clear();
    }

    private async ValueTask<CompiledRights> LoadAsync(
        string profileId,
        Func<string, CancellationToken, ValueTask<Profile?>> loadProfile,
        Func<string, CancellationToken, ValueTask<Role?>> loadRole,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loadProfile);
        ArgumentNullException.ThrowIfNull(loadRole);
        var generation = Generation;
        var profile = await loadProfile(profileId, cancellationToken).ConfigureAwait(false)
            ?? throw new SecurityValidationException(SecurityErrorIds.ProfileNotFound, profileId);
        var roles = new Dictionary<string, CompiledRole?>(StringComparer.Ordinal);
        foreach (var policy in profile.Policies)
        {
            if (roles.ContainsKey(policy.RoleId))
            {
                continue;
            }

            roles[policy.RoleId] = _roles.TryGetValue(policy.RoleId, out var cached)
                ? cached
                : GetRole(policy.RoleId, generation, await loadRole(policy.RoleId, cancellationToken).ConfigureAwait(false));
        }

        return Store(profileId, CompiledRights.Compile(profile, id => roles[id], generation));
    }

    private CompiledRole? GetRole(string roleId, long generation, Role? loaded)
    {
        if (_roles.TryGetValue(roleId, out var cached))
        {
            return cached;
        }

        if (loaded is null)
        {
            return null;
        }

        var compiled = CompiledRole.Compile(loaded);
        _roles.TryAdd(roleId, compiled);
        if (Generation != generation)
        {
            _roles.TryRemove(new KeyValuePair<string, CompiledRole>(roleId, compiled));
        }

        return compiled;
    }

    // Stored then re-checked: an invalidation that ran meanwhile either removed the entry or is seen here.
    private CompiledRights Store(string profileId, CompiledRights rights)
    {
        var stored = _profiles.GetOrAdd(profileId, rights);
        if (stored.Generation == Generation)
        {
            return stored;
        }

        _profiles.TryRemove(new KeyValuePair<string, CompiledRights>(profileId, stored));
        return rights;
    }
}

namespace Kuzzle.Realtime.Security.Store;

/// <summary>The built-in roles and profiles: first-boot seeding (§2.1) and the restricted defaults (§2.2).</summary>
public sealed class SecurityBootstrap
{
    private static readonly string[] Order = [BuiltInSecurity.AdminId, BuiltInSecurity.DefaultId, BuiltInSecurity.AnonymousId];

    private readonly RoleRepository _roles;
    private readonly ProfileRepository _profiles;

    public SecurityBootstrap(RoleRepository roles, ProfileRepository profiles)
    {
        _roles = roles;
        _profiles = profiles;
    }

    /// <summary>
    /// Creates the built-in roles then profiles that do not exist yet. Idempotent, and safe when several nodes run it at once:
    /// each document is a create that loses quietly to an existing one, so a node never overwrites restricted rights.
    /// </summary>
    public async Task SeedAsync(CancellationToken cancellationToken = default)
    {
        foreach (var id in Order)
        {
            await _roles.WriteBuiltInAsync(id, BuiltInSecurity.BootstrapRoleDocuments[id], onlyIfMissing: true, cancellationToken).ConfigureAwait(false);
        }

        foreach (var id in Order)
        {
            await _profiles.WriteBuiltInAsync(id, BuiltInSecurity.BootstrapProfileDocuments[id], onlyIfMissing: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>restrictDefaultRights / createFirstAdmin(reset): rewrites the three roles, then the three profiles (§2.2).</summary>
    public async Task RestrictDefaultRightsAsync(CancellationToken cancellationToken = default)
    {
        foreach (var id in Order)
        {
            await _roles.WriteBuiltInAsync(id, BuiltInSecurity.RestrictedRoleDocuments[id], onlyIfMissing: false, cancellationToken).ConfigureAwait(false);
        }

        foreach (var id in Order)
        {
            await _profiles.WriteBuiltInAsync(id, BuiltInSecurity.RestrictedProfileDocuments[id], onlyIfMissing: false, cancellationToken).ConfigureAwait(false);
        }
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Security.Store;
using Kuzzle.Realtime.Strategies;

namespace Kuzzle.Realtime.Server.Security.Strategies;

/// <summary>
/// The strategies' view of Kuzzle users (<see cref="IStrategyUserDirectory"/>), over the security store. Strategies are
/// created before the service container, so the store is attached once the application is built; a call before that
/// is a 503 (it can only happen if a strategy logs someone in during startup).
/// </summary>
public sealed class StrategyUserDirectory : IStrategyUserDirectory
{
    private SecurityStore? _store;

    /// <summary>Connects the directory to the security store (once, at startup).</summary>
    public void Attach(SecurityStore store) => _store = store ?? throw new ArgumentNullException(nameof(store));

    /// <inheritdoc />
    public async ValueTask<StrategyUserSecurity?> GetUserSecurityAsync(string kuid, CancellationToken cancellationToken = default)
    {
        var store = Store;
        var user = await store.Users.LoadAsync(kuid, cancellationToken);
        if (user is null)
        {
            return null;
        }

        var roles = new List<string>();
        foreach (var profileId in user.ProfileIds)
        {
            if (await store.Profiles.LoadAsync(profileId, cancellationToken) is { } profile)
            {
                roles.AddRange(profile.Policies.Select(p => p.RoleId));
            }
        }

        return new StrategyUserSecurity(user.ProfileIds, roles.Distinct(StringComparer.Ordinal).ToList());
    }

    /// <inheritdoc />
    public async ValueTask<string> CreateUserAsync(StrategyNewUser user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var content = user.Content?.DeepClone().AsObject() ?? [];
        content["profileIds"] = new JsonArray([.. user.ProfileIds.Select(p => (JsonNode)JsonValue.Create(p))]);
        var kuid = user.Kuid ?? UserRepository.GenerateKuid(null);

        // Same validation and errors as security:createUser (unknown profile, kuid taken); the strategy is the author.
        await Store.Users.CreateAsync(kuid, JsonSerializer.SerializeToElement(content, Hosting.ServerJsonContext.Default.JsonObject), caller: null, cancellationToken: cancellationToken);
        return kuid;
    }

    /// <inheritdoc />
    public async ValueTask DeleteProvisionedUserAsync(string kuid, CancellationToken cancellationToken = default) =>
        await Store.Users.DeleteAsync(kuid, cancellationToken);

    private SecurityStore Store => _store ?? throw new StrategyException(503, "The user directory is not ready yet.");
}

using Kuzzle.Realtime.Server.Api;

namespace Kuzzle.Realtime.Server.Security;

/// <summary>
/// Rights of a store where no administrator exists yet: Kuzzle's bootstrap roles allow every action to everyone, with no rate limit.
/// </summary>
public sealed class BootstrapRightsPolicy : IRightsPolicy
{
    /// <inheritdoc />
    public ValueTask<bool> IsAllowedAsync(RequestContext context, CancellationToken cancellationToken) => ValueTask.FromResult(true);

    /// <inheritdoc />
    public ValueTask<bool> IsAllowedAsync(UserIdentity user, string controller, string action, string? index, string? collection, CancellationToken cancellationToken) =>
        ValueTask.FromResult(true);

    /// <inheritdoc />
    public ValueTask<int> GetRateLimitAsync(UserIdentity user, CancellationToken cancellationToken) => ValueTask.FromResult(0);
}

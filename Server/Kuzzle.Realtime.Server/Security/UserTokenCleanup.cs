using Kuzzle.Realtime.Tokens;
using Microsoft.Extensions.Hosting;

namespace Kuzzle.Realtime.Server.Security;

/// <summary>
/// A deleted user keeps no way in (security.md §5.1 deleteUser): its API keys are deleted and its sessions revoked, which also
/// drops the subscriptions of the connections using them (no TokenExpired frame).
/// </summary>
public sealed class UserTokenCleanup(UserLifecycle lifecycle, TokenService tokens) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifecycle.UserDeleted += OnUserDeletedAsync;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lifecycle.UserDeleted -= OnUserDeletedAsync;
        return Task.CompletedTask;
    }

    private async ValueTask OnUserDeletedAsync(string kuid, CancellationToken cancellationToken)
    {
        await tokens.ApiKeys.DeleteAllAsync(kuid, cancellationToken);
        await tokens.RevokeAllAsync(kuid, cancellationToken);
    }
}

namespace Kuzzle.Realtime.Server.Security;

/// <summary>
/// User lifecycle events other parts of the server react to: the token side subscribes to <see cref="UserDeleted"/> to expire the
/// user's tokens and delete their API keys.
/// </summary>
public sealed class UserLifecycle
{
    /// <summary>Raised after a user's credentials and document were deleted (security:deleteUser / mDeleteUsers).</summary>
    public event Func<string, CancellationToken, ValueTask>? UserDeleted;

    /// <summary>Runs every <see cref="UserDeleted"/> handler in turn.</summary>
    public async ValueTask RaiseUserDeletedAsync(string kuid, CancellationToken cancellationToken)
    {
        if (UserDeleted is not { } handlers)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Func<string, CancellationToken, ValueTask>>())
        {
            await handler(kuid, cancellationToken);
        }
    }
}

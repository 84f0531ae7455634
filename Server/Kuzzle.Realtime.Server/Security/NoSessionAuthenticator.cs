using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Server.Api;

namespace Kuzzle.Realtime.Server.Security;

/// <summary>
/// Authentication on a node that issues no sessions: anonymous requests pass, and since no token was ever issued, every token
/// (including the empty string) is <c>security.token.invalid</c>.
/// </summary>
public sealed class NoSessionAuthenticator : IAuthenticator
{
    /// <inheritdoc />
    public ValueTask<UserIdentity> AuthenticateAsync(RequestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Input.Jwt is null
            ? ValueTask.FromResult(UserIdentity.Anonymous)
            : ValueTask.FromException<UserIdentity>(KuzzleErrors.Security.Token.Invalid.Create());
    }
}

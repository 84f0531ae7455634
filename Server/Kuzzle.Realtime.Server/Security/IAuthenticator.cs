using Kuzzle.Realtime.Server.Api;

namespace Kuzzle.Realtime.Server.Security;

/// <summary>The funnel's authentication stage: turns the request's token into a user, or throws <c>security.token.*</c>.</summary>
public interface IAuthenticator
{
    /// <summary>Resolves the caller. A null token is the anonymous user.</summary>
    ValueTask<UserIdentity> AuthenticateAsync(RequestContext context, CancellationToken cancellationToken);
}

/// <summary>The funnel's rights stage.</summary>
public interface IRightsPolicy
{
    /// <summary>True when the user may run the request's controller:action on its index/collection.</summary>
    ValueTask<bool> IsAllowedAsync(RequestContext context, CancellationToken cancellationToken);

    /// <summary>True when the user may run controller:action on an index/collection (e.g. <c>realtime:list</c> filtering).</summary>
    ValueTask<bool> IsAllowedAsync(UserIdentity user, string controller, string action, string? index, string? collection, CancellationToken cancellationToken);

    /// <summary>Requests per second allowed to the user (0 = unlimited): the profiles' <c>rateLimit</c>.</summary>
    ValueTask<int> GetRateLimitAsync(UserIdentity user, CancellationToken cancellationToken);
}

using Kuzzle.Realtime.Server.Api;
using Kuzzle.Realtime.Server.Configuration;
using Kuzzle.Realtime.Tokens;

namespace Kuzzle.Realtime.Server.Security;

/// <summary>
/// The funnel's authentication stage: no token is the anonymous user; any token must pass <see cref="TokenService"/> (signature,
/// pinned algorithm, expiry, live session or API key), and WebSocket connections are linked to the token they used.
/// </summary>
public sealed class TokenAuthenticator(TokenService tokens, TokenLinks links, EffectiveSettings settings) : IAuthenticator
{
    private readonly bool _cookieMode = settings.Options.Server.Http.CookieAuthentication;

    /// <inheritdoc />
    public async ValueTask<UserIdentity> AuthenticateAsync(RequestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.Input;
        if (input.Jwt is not { } jwt || SkipsVerification(input))
        {
            return UserIdentity.Anonymous;
        }

        var token = await tokens.VerifyAsync(jwt, cancellationToken);
        return links.Link(context.Connection, token);
    }

    // protocol.md §5.9: with cookieAuth, login, checkToken and logout run as anonymous; the cookie token is handled by the action.
    private bool SkipsVerification(Kuzzle.Realtime.Protocol.Requests.RequestInput input) =>
        _cookieMode
        && input.Controller == "auth"
        && input.Action is "login" or "checkToken" or "logout"
        && input.HasArg("cookieAuth")
        && input.GetBoolean("cookieAuth");
}

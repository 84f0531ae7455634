using Kuzzle.Realtime.Protocol.Errors;

namespace Kuzzle.Realtime.Server.Network;

/// <summary>
/// Browser cookie authentication (protocol.md §5.9): an <c>authToken</c> cookie becomes the request's token, on HTTP requests and on the
/// requests of a WebSocket whose upgrade carried it.
/// </summary>
public static class CookieAuthentication
{
    /// <summary>The cookie name.</summary>
    public const string CookieName = "authToken";

    /// <summary>
    /// Reads the token from a Cookie header: null when there is none (or its value is the string <c>null</c>, which logout sets).
    /// Throws <c>security.cookie.invalid</c> for a malformed header and <c>security.cookie.unsupported</c> when the feature is off.
    /// </summary>
    public static string? ReadToken(string? cookieHeader, bool enabled)
    {
        if (string.IsNullOrWhiteSpace(cookieHeader))
        {
            return null;
        }

        string? token = null;
        foreach (var part in cookieHeader.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw KuzzleErrors.Security.Cookie.Invalid.Create();
            }

            if (part.AsSpan(0, eq).Trim().SequenceEqual(CookieName))
            {
                var value = part[(eq + 1)..].Trim().Trim('"');
                token = value == "null" ? null : Uri.UnescapeDataString(value);
            }
        }

        if (token is not null && !enabled)
        {
            throw KuzzleErrors.Security.Cookie.Unsupported.Create();
        }

        return token;
    }

    /// <summary>Combines a request's own token with the cookie's: both present is <c>security.token.verification_error</c>.</summary>
    public static string? Combine(string? requestToken, string? cookieToken)
    {
        if (cookieToken is null)
        {
            return requestToken;
        }

        return requestToken is null
            ? cookieToken
            : throw KuzzleErrors.Security.Token.VerificationError.Create("Both token and cookie are present, could not decide which one to use");
    }
}

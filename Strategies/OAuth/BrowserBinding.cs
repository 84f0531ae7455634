using System.Security.Cryptography;
using System.Text;

namespace Kuzzle.Realtime.Strategies.OAuth;

/// <summary>
/// Ties an HTTP login to the browser that started it (login CSRF, RFC 6749 §10.12): <c>GET /_login/&lt;name&gt;</c> sets a
/// short-lived cookie with a random value whose hash is stored with the pending state, and the callback must bring the
/// same cookie back. Without it, anyone could send a victim's browser to a callback carrying the attacker's own code and
/// state and log the victim in as the attacker.
/// WebSocket logins are not bound: the redirect answer travels on the socket, never to the browser that will open the
/// provider's page, so there is no cookie to set. Their state stays single-use and short-lived, and the application,
/// which got the state from <c>auth:login</c>, is the party able to check that a callback is one it started.
/// </summary>
internal static class BrowserBinding
{
    private const int MaxCookieHeader = 8192;

    /// <summary>The cookie of <paramref name="strategy"/> (one per strategy, so logins with two providers do not collide).</summary>
    public static string CookieName(string strategy) =>
        "kuzzleOAuthBinding-" + new string([.. strategy.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')]);

    /// <summary>A fresh binding value (256 random bits, base64url).</summary>
    public static string NewValue() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>What is stored: the hash, so a leaked store cannot forge the cookie.</summary>
    public static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    /// <summary>
    /// The <c>Set-Cookie</c> value: HttpOnly (no script reads it), SameSite=Lax (sent on the provider's top-level redirect
    /// back, not on cross-site subrequests), Path=/_login (only the login routes see it), Max-Age = the state's lifetime,
    /// and Secure when the callback is https.
    /// </summary>
    public static string SetCookie(string strategy, string value, TimeSpan lifetime, bool secure) =>
        $"{CookieName(strategy)}={value}; Max-Age={(long)lifetime.TotalSeconds}; Path=/_login; HttpOnly; SameSite=Lax{(secure ? "; Secure" : string.Empty)}";

    /// <summary>Whether the request's <c>Cookie</c> header holds the binding whose hash is <paramref name="expectedHash"/>.</summary>
    public static bool Matches(IReadOnlyDictionary<string, string> headers, string strategy, string expectedHash)
    {
        if (!headers.TryGetValue("cookie", out var header) || header.Length > MaxCookieHeader)
        {
            return false;
        }

        var name = CookieName(strategy);
        foreach (var part in header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = part.IndexOf('=', StringComparison.Ordinal);
            if (separator > 0 && part.AsSpan(0, separator).SequenceEqual(name)
                && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(part[(separator + 1)..])), Encoding.ASCII.GetBytes(expectedHash)))
            {
                return true;
            }
        }

        return false;
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

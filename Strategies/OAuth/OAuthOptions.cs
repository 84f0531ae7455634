using System.Text.Json;

namespace Kuzzle.Realtime.Strategies.OAuth;

/// <summary>
/// One provider's settings. Kuzzle's keys (kuzzle-plugin-auth-passport-oauth, one provider entry): <c>credentials</c>
/// (<c>clientID</c>, <c>clientSecret</c>, <c>callbackURL</c>, and here also <c>issuer</c> for OpenID Connect discovery, or
/// <c>authorizationURL</c>/<c>tokenURL</c>/<c>userInfoURL</c> for plain OAuth 2.0), <c>scope</c>, <c>persist</c>,
/// <c>identifierAttribute</c>, <c>kuzzleAttributesMapping</c>, <c>defaultProfiles</c>. Ours: <c>autoCreate</c>,
/// <c>idTokenAlgorithms</c>, <c>timeout</c>, <c>stateTtl</c>, <c>clockSkew</c>, <c>tokenEndpointAuthMethod</c>.
/// </summary>
public sealed record OAuthOptions
{
    /// <summary>OpenID Connect issuer (discovery at <c>/.well-known/openid-configuration</c>); null for plain OAuth 2.0.</summary>
    public Uri? Issuer { get; init; }

    /// <summary>Authorization endpoint (overrides discovery).</summary>
    public Uri? AuthorizationUrl { get; init; }

    /// <summary>Token endpoint (overrides discovery).</summary>
    public Uri? TokenUrl { get; init; }

    /// <summary>Userinfo endpoint (overrides discovery); required for plain OAuth 2.0.</summary>
    public Uri? UserInfoUrl { get; init; }

    /// <summary>The client id registered at the provider (also the expected ID-token audience).</summary>
    public required string ClientId { get; init; }

    /// <summary>The client secret; null for public clients (PKCE only).</summary>
    public string? ClientSecret { get; init; }

    /// <summary>The redirect URI registered at the provider: this server's <c>/_login/&lt;provider&gt;</c> URL.</summary>
    public required Uri CallbackUrl { get; init; }

    /// <summary><c>client_secret_basic</c> (default) or <c>client_secret_post</c>.</summary>
    public string TokenEndpointAuthMethod { get; init; } = "client_secret_basic";

    /// <summary>Requested scopes (OpenID Connect adds <c>openid</c> when missing).</summary>
    public IReadOnlyList<string> Scope { get; init; } = [];

    /// <summary>Profile attributes (dotted paths) stored with the credentials.</summary>
    public IReadOnlyList<string> Persist { get; init; } = [];

    /// <summary>The profile attribute that identifies the user at the provider (default <c>sub</c>).</summary>
    public string IdentifierAttribute { get; init; } = "sub";

    /// <summary>Renames persisted attributes: provider path → stored name.</summary>
    public IReadOnlyDictionary<string, string> AttributesMapping { get; init; } = new Dictionary<string, string>();

    /// <summary>Profiles of users created on first login.</summary>
    public IReadOnlyList<string> DefaultProfiles { get; init; } = ["default"];

    /// <summary>Create a user on the first login of an unknown identity (else the login is refused).</summary>
    public bool AutoCreate { get; init; } = true;

    /// <summary>Accepted ID-token signature algorithms (pinned; never <c>none</c>).</summary>
    public IReadOnlyList<string> IdTokenAlgorithms { get; init; } = ["RS256"];

    /// <summary>Bound of every call to the provider.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a started login (state, nonce, PKCE verifier) may wait for its callback.</summary>
    public TimeSpan StateTtl { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Tolerance on ID-token time claims.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>True for OpenID Connect (an issuer is configured).</summary>
    public bool IsOpenIdConnect => Issuer is not null;

    /// <summary>Reads a provider entry; errors name the key.</summary>
    /// <exception cref="StrategyConfigurationException">A setting is missing or invalid.</exception>
    public static OAuthOptions Parse(string strategy, JsonElement configuration)
    {
        var root = new StrategyOptionReader(strategy, configuration);
        var credentials = root.Nested("credentials");
        var options = new OAuthOptions
        {
            Issuer = credentials.Url("issuer"),
            AuthorizationUrl = credentials.Url("authorizationURL"),
            TokenUrl = credentials.Url("tokenURL"),
            UserInfoUrl = credentials.Url("userInfoURL") ?? credentials.Url("profileURL"),
            ClientId = credentials.RequiredText("clientID"),
            ClientSecret = credentials.Text("clientSecret"),
            CallbackUrl = credentials.Url("callbackURL") ?? credentials.Url("callbackUrl")
                ?? throw new StrategyConfigurationException($"Strategy \"{strategy}\": \"credentials.callbackURL\" is required."),
            TokenEndpointAuthMethod = credentials.Text("tokenEndpointAuthMethod", "client_secret_basic")!,
            Scope = root.Strings("scope", []),
            Persist = root.Strings("persist", []),
            IdentifierAttribute = root.Text("identifierAttribute", "sub")!,
            AttributesMapping = root.StringMap("kuzzleAttributesMapping"),
            DefaultProfiles = root.Strings("defaultProfiles", root.Strings("defaultProfile", ["default"])),
            AutoCreate = root.Boolean("autoCreate", true),
            IdTokenAlgorithms = root.Strings("idTokenAlgorithms", ["RS256"]),
            Timeout = root.Duration("timeout", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(2)),
            StateTtl = root.Duration("stateTtl", TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(10), TimeSpan.FromHours(1)),
            ClockSkew = root.Duration("clockSkew", TimeSpan.FromSeconds(60), TimeSpan.Zero, TimeSpan.FromMinutes(10)),
        };

        if (options.Issuer is null && (options.AuthorizationUrl is null || options.TokenUrl is null || options.UserInfoUrl is null))
        {
            throw new StrategyConfigurationException(
                $"Strategy \"{strategy}\": set \"credentials.issuer\" (OpenID Connect) or all of \"credentials.authorizationURL\", \"tokenURL\" and \"userInfoURL\" (OAuth 2.0).");
        }

        if (options.TokenEndpointAuthMethod is not ("client_secret_basic" or "client_secret_post"))
        {
            throw root.Invalid("credentials.tokenEndpointAuthMethod", "client_secret_basic or client_secret_post");
        }

        if (options.IdTokenAlgorithms.Count == 0 || options.IdTokenAlgorithms.Any(a => a.Equals("none", StringComparison.OrdinalIgnoreCase)))
        {
            throw root.Invalid("idTokenAlgorithms", "a non-empty list of signature algorithms (\"none\" is refused)");
        }

        if (options.DefaultProfiles.Count == 0)
        {
            throw root.Invalid("defaultProfiles", "a non-empty list of profile ids");
        }

        foreach (var url in new[] { options.Issuer, options.AuthorizationUrl, options.TokenUrl, options.UserInfoUrl })
        {
            if (url is not null && !IsSecure(url))
            {
                throw new StrategyConfigurationException($"Strategy \"{strategy}\": provider URLs must use https (plain http is accepted on loopback only): {url}");
            }
        }

        return options;
    }

    /// <summary>https, or http to a loopback address (local test providers, RFC 8252 §7.3 spirit).</summary>
    internal static bool IsSecure(Uri url) => url.Scheme == Uri.UriSchemeHttps || url.IsLoopback;
}

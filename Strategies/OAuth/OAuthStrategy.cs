using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Strategies.OAuth;

/// <summary>
/// One OAuth 2.0 / OpenID Connect provider as a Kuzzle strategy. <c>auth:login</c> without <c>code</c> starts the
/// authorization-code flow (PKCE S256, state, nonce) and answers a 302 to the provider (over WebSocket the
/// <c>{headers, statusCode}</c> result carries the URL); the provider's callback on <c>/_login/&lt;name&gt;</c> brings
/// <c>code</c> and <c>state</c>, which are exchanged and checked, and the identity is resolved to a Kuzzle user
/// (created on first login when <see cref="OAuthOptions.AutoCreate"/>).
/// </summary>
internal sealed partial class OAuthStrategy : IAuthenticationStrategy, IDisposable
{
    private readonly StrategyContext _context;
    private readonly OAuthOptions _options;
    private readonly ProviderClient _provider;
    private readonly PendingAuthorizations _pending;
    private readonly LinkedIdentities _identities;

    public OAuthStrategy(StrategyContext context, OAuthOptions options, ProviderClient provider)
    {
        _context = context;
        _options = options;
        _provider = provider;
        _pending = new PendingAuthorizations(context.Store, context.Time, options.StateTtl);
        _identities = new LinkedIdentities(context);
        Fields = [options.IdentifierAttribute, .. options.Persist.Where(p => p != options.IdentifierAttribute)];
    }

    public string Name => _context.Name;

    public IReadOnlyList<string> Fields { get; }

    public StrategyFeatures Features => StrategyFeatures.GetInfo | StrategyFeatures.GetById;

    public async ValueTask<StrategyVerifyResult> VerifyAsync(StrategyLoginRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var code = Argument(request, "code");
        var error = Argument(request, "error");
        if (code is null && error is null)
        {
            return await RedirectToProviderAsync(request, cancellationToken);
        }

        // Whatever the outcome, a callback uses up its state: a replayed or forged callback finds nothing.
        var pending = Argument(request, "state") is { } state ? await _pending.ConsumeAsync(state, cancellationToken) : null;
        if (pending is null)
        {
            return StrategyVerifyResult.Failure("Invalid OAuth state: unknown, expired or already used.");
        }

        // Checked after the state is used up, so a refused callback cannot be retried with another cookie.
        if (pending.BindingHash is { } bindingHash && !BrowserBinding.Matches(request.Headers, Name, bindingHash))
        {
            return StrategyVerifyResult.Failure(
                "OAuth login refused: this callback does not come from the browser that started the login (missing or wrong binding cookie).");
        }

        // A login started over WebSocket is bound to no browser: whoever's browser opens its callback must not be given a session
        // cookie (login CSRF). Over HTTP it completes without cookieAuth only.
        if (pending.BindingHash is null && request.Protocol == "http" && request.Arguments.ContainsKey("cookieAuth"))
        {
            return StrategyVerifyResult.Failure(
                "OAuth login refused: a login started over WebSocket cannot be completed with cookieAuth (no browser started it).");
        }

        if (error is not null)
        {
            return StrategyVerifyResult.Failure($"The provider refused the authorization ({Sanitize(error)}).");
        }

        var endpoints = await _provider.GetEndpointsAsync(cancellationToken);
        var tokens = await _provider.ExchangeCodeAsync(endpoints.Token, code!, pending.Verifier, cancellationToken);
        var profile = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (_options.IsOpenIdConnect)
        {
            if (tokens.IdToken is null)
            {
                return StrategyVerifyResult.Failure("The provider returned no ID token.");
            }

            var (claims, failure) = await _provider.ValidateIdTokenAsync(tokens.IdToken, pending.Nonce, cancellationToken);
            if (claims is null)
            {
                return StrategyVerifyResult.Failure(failure);
            }

            foreach (var (k, v) in claims)
            {
                profile[k] = v;
            }
        }

        if (!_options.IsOpenIdConnect || (_options.Persist.Count > 0 && endpoints.UserInfo is not null && _options.UserInfoUrl is not null))
        {
            var userInfo = await _provider.GetUserInfoAsync(endpoints.UserInfo!, tokens.AccessToken, cancellationToken);
            if (profile.TryGetValue("sub", out var sub) && (!userInfo.TryGetProperty("sub", out var infoSub) || infoSub.GetRawText() != sub.GetRawText()))
            {
                // OpenID Connect Core §5.3.2: userinfo of another subject must not be used.
                return StrategyVerifyResult.Failure("The userinfo subject differs from the ID token subject.");
            }

            foreach (var p in userInfo.EnumerateObject())
            {
                profile.TryAdd(p.Name, p.Value.Clone());
            }
        }

        var flat = ProfileAttributes.Flatten(profile);
        if (ProfileAttributes.Identifier(flat, _options.IdentifierAttribute) is not { } identifier)
        {
            return StrategyVerifyResult.Failure($"The provider profile has no \"{_options.IdentifierAttribute}\" attribute.");
        }

        var kuid = await _identities.ResolveOrProvisionAsync(
            identifier, ProfileAttributes.Persisted(flat, _options), _options.AutoCreate, _options.DefaultProfiles, cancellationToken);
        return kuid is null
            ? StrategyVerifyResult.Failure($"No user is linked to this {Name} account, and accounts are not created automatically.")
            : StrategyVerifyResult.Success(kuid);
    }

    public void Dispose() => _provider.Dispose();

    private async ValueTask<StrategyVerifyResult> RedirectToProviderAsync(StrategyLoginRequest request, CancellationToken cancellationToken)
    {
        var endpoints = await _provider.GetEndpointsAsync(cancellationToken);

        // Only an HTTP answer reaches the browser that follows the redirect: bind those logins to it (BrowserBinding).
        var binding = request.Protocol == "http" ? BrowserBinding.NewValue() : null;
        var pending = await _pending.StartAsync(binding is null ? null : BrowserBinding.Hash(binding), cancellationToken);
        var scope = _options.Scope.ToList();
        if (_options.IsOpenIdConnect && !scope.Contains("openid"))
        {
            scope.Insert(0, "openid");
        }

        var query = new List<KeyValuePair<string, string>>
        {
            new("response_type", "code"),
            new("client_id", _options.ClientId),
            new("redirect_uri", _options.CallbackUrl.AbsoluteUri),
            new("state", pending.State),
            new("code_challenge", PendingAuthorizations.Challenge(pending.Verifier)),
            new("code_challenge_method", "S256"),
        };
        if (scope.Count > 0)
        {
            query.Add(new("scope", string.Join(' ', scope)));
        }

        if (_options.IsOpenIdConnect)
        {
            query.Add(new("nonce", pending.Nonce));
        }

        var separator = string.IsNullOrEmpty(endpoints.Authorization.Query) ? "?" : "&";
        var location = endpoints.Authorization.AbsoluteUri + separator
            + string.Join('&', query.Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value)));
        var headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["Location"] = location };
        if (binding is not null)
        {
            headers["Set-Cookie"] = BrowserBinding.SetCookie(Name, binding, _options.StateTtl, _options.CallbackUrl.Scheme == Uri.UriSchemeHttps);
        }

        return StrategyVerifyResult.Redirection(new StrategyRedirect(302, headers));
    }

    private static string? Argument(StrategyLoginRequest request, string name) =>
        request.Arguments.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 and <= 4096 } s ? s : null;

    // Provider error codes are echoed to the client: keep them to the RFC 6749 charset and short.
    private static string Sanitize(string text) =>
        new([.. text.Where(c => c is >= ' ' and <= '~' and not '"' and not '\\').Take(64)]);

}

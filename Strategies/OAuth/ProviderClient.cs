using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Kuzzle.Realtime.Strategies.OAuth;

/// <summary>
/// Everything said to the provider: discovery and JWKS (cached and refreshed by Microsoft.IdentityModel), the code
/// exchange, userinfo, and ID-token validation. Every call is bounded by <see cref="OAuthOptions.Timeout"/>; an
/// unreachable or failing provider becomes a <see cref="StrategyException"/> naming the strategy, never a hang.
/// </summary>
internal sealed class ProviderClient : IDisposable
{
    private const int MaxResponseBytes = 256 * 1024;

    private readonly string _strategy;
    private readonly OAuthOptions _options;
    private readonly HttpClient _http;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _discovery;
    private readonly JsonWebTokenHandler _tokens = new() { MapInboundClaims = false };

    public ProviderClient(string strategy, OAuthOptions options)
    {
        _strategy = strategy;
        _options = options;
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = options.Timeout })
        {
            Timeout = options.Timeout,
            MaxResponseContentBufferSize = MaxResponseBytes,
        };
        if (options.Issuer is { } issuer)
        {
            var address = issuer.AbsoluteUri.TrimEnd('/') + "/.well-known/openid-configuration";
            _discovery = new ConfigurationManager<OpenIdConnectConfiguration>(
                address,
                new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever(_http) { RequireHttps = !issuer.IsLoopback });
        }
    }

    /// <summary>The provider's endpoints: configured ones win over discovered ones.</summary>
    public async ValueTask<ProviderEndpoints> GetEndpointsAsync(CancellationToken cancellationToken)
    {
        var discovered = await DiscoverAsync(cancellationToken);
        return new ProviderEndpoints(
            _options.AuthorizationUrl ?? Endpoint(discovered?.AuthorizationEndpoint, "authorization_endpoint"),
            _options.TokenUrl ?? Endpoint(discovered?.TokenEndpoint, "token_endpoint"),
            _options.UserInfoUrl ?? (discovered?.UserInfoEndpoint is { Length: > 0 } u ? new Uri(u) : null));
    }

    /// <summary>Exchanges an authorization code (with its PKCE verifier) for tokens.</summary>
    public async ValueTask<TokenResponse> ExchangeCodeAsync(Uri tokenEndpoint, string code, string verifier, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = _options.CallbackUrl.AbsoluteUri,
            ["code_verifier"] = verifier,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint);
        if (_options.TokenEndpointAuthMethod == "client_secret_basic" && _options.ClientSecret is not null)
        {
            var basic = Uri.EscapeDataString(_options.ClientId) + ":" + Uri.EscapeDataString(_options.ClientSecret);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        }
        else
        {
            form["client_id"] = _options.ClientId;
            if (_options.ClientSecret is not null)
            {
                form["client_secret"] = _options.ClientSecret;
            }
        }

        request.Content = new FormUrlEncodedContent(form);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var json = await SendAsync(request, "token", cancellationToken);
        var root = json.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("access_token", out var access) || access.ValueKind != JsonValueKind.String)
        {
            throw Refused("the token endpoint answered without an access token");
        }

        var idToken = root.TryGetProperty("id_token", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        return new TokenResponse(access.GetString()!, idToken);
    }

    /// <summary>The userinfo document (a JSON object) for an access token.</summary>
    public async ValueTask<JsonElement> GetUserInfoAsync(Uri endpoint, string accessToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var json = await SendAsync(request, "userinfo", cancellationToken);
        return json.RootElement.ValueKind == JsonValueKind.Object ? json.RootElement.Clone() : throw Refused("the userinfo endpoint did not answer a JSON object");
    }

    /// <summary>
    /// Validates an ID token: signature by a key of the provider's JWKS with a pinned algorithm, issuer, audience (our
    /// client id), expiry (required), then the nonce of this login. Returns its claims, or a failure message for the client.
    /// </summary>
    public async ValueTask<(Dictionary<string, JsonElement>? Claims, string? Failure)> ValidateIdTokenAsync(string idToken, string expectedNonce, CancellationToken cancellationToken)
    {
        var configuration = await DiscoverAsync(cancellationToken) ?? throw new InvalidOperationException("ID tokens need OpenID Connect discovery.");
        var result = await ValidateAsync(idToken, configuration);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // The provider may have rotated its keys: fetch the JWKS again, once.
            _discovery!.RequestRefresh();
            result = await ValidateAsync(idToken, await DiscoverAsync(cancellationToken) ?? configuration);
        }

        if (!result.IsValid)
        {
            return (null, "Invalid ID token: " + Describe(result.Exception));
        }

        var token = (JsonWebToken)result.SecurityToken;
        if (!token.TryGetPayloadValue<string>("nonce", out var nonce) || !FixedTimeEquals(nonce, expectedNonce))
        {
            return (null, "Invalid ID token: nonce mismatch.");
        }

        var claims = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(token.EncodedPayload));
        foreach (var p in payload.RootElement.EnumerateObject())
        {
            claims[p.Name] = p.Value.Clone();
        }

        return (claims, null);
    }

    public void Dispose() => _http.Dispose();

    internal static bool FixedTimeEquals(string a, string b) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private async Task<TokenValidationResult> ValidateAsync(string idToken, OpenIdConnectConfiguration configuration) =>
        await _tokens.ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer is { Length: > 0 } i ? i : _options.Issuer!.AbsoluteUri,
            ValidAudience = _options.ClientId,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = _options.IdTokenAlgorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = _options.ClockSkew,
            TryAllIssuerSigningKeys = false,
        });

    // Client-facing and log-safe: the exception type says what failed without echoing token contents.
    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "expired.",
        SecurityTokenNotYetValidException => "not yet valid.",
        SecurityTokenInvalidIssuerException => "wrong issuer.",
        SecurityTokenInvalidAudienceException => "wrong audience.",
        SecurityTokenInvalidAlgorithmException => "signature algorithm not allowed.",
        SecurityTokenSignatureKeyNotFoundException => "signed by an unknown key.",
        SecurityTokenInvalidSignatureException => "missing or invalid signature.",
        SecurityTokenNoExpirationException => "no expiry.",
        SecurityTokenMalformedException => "malformed.",
        _ => "rejected.",
    };

    private async ValueTask<OpenIdConnectConfiguration?> DiscoverAsync(CancellationToken cancellationToken)
    {
        if (_discovery is null)
        {
            return null;
        }

        try
        {
            return await _discovery.GetConfigurationAsync(cancellationToken).WaitAsync(_options.Timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw TimedOut("discovery");
        }
        catch (InvalidOperationException)
        {
            // IdentityModel wraps every retrieval failure (refused connection, timeout, bad document) in this.
            throw new StrategyException(503, $"The OpenID provider of strategy \"{_strategy}\" is unreachable or answered an invalid discovery document.");
        }
    }

    private async Task<JsonDocument> SendAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(what);
        }
        catch (HttpRequestException)
        {
            throw new StrategyException(503, $"The OAuth provider of strategy \"{_strategy}\" is unreachable ({what} endpoint).");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                // The provider's error code (invalid_grant …) is safe to show; its description may echo input, so it is not.
                var error = TryReadError(text);
                throw Refused($"the {what} endpoint answered {(int)response.StatusCode}{(error is null ? "" : " " + error)}");
            }

            try
            {
                return JsonDocument.Parse(text);
            }
            catch (JsonException)
            {
                throw Refused($"the {what} endpoint did not answer JSON");
            }
        }
    }

    private static string? TryReadError(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String
                && e.GetString() is { Length: <= 64 } code && code.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
                ? code
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private Uri Endpoint(string? discovered, string name) =>
        discovered is { Length: > 0 } && Uri.TryCreate(discovered, UriKind.Absolute, out var uri) && OAuthOptions.IsSecure(uri)
            ? uri
            : throw new StrategyException(503, $"The OpenID provider of strategy \"{_strategy}\" advertises no valid {name}.");

    private StrategyException TimedOut(string what) =>
        new(504, $"The OAuth provider of strategy \"{_strategy}\" did not answer within {_options.Timeout.TotalSeconds:0.#} s ({what}).");

    private StrategyException Refused(string why) =>
        new(401, $"Login with strategy \"{_strategy}\" failed: {why}.");
}

/// <summary>The provider endpoints a login uses.</summary>
internal sealed record ProviderEndpoints(Uri Authorization, Uri Token, Uri? UserInfo);

/// <summary>What the token endpoint gave.</summary>
internal sealed record TokenResponse(string AccessToken, string? IdToken);

using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Requests;
using Kuzzle.Realtime.Protocol.Responses;
using Kuzzle.Realtime.Server.Configuration;
using Kuzzle.Realtime.Server.Network;
using Kuzzle.Realtime.Server.Security;
using Kuzzle.Realtime.Server.Security.Strategies;
using Kuzzle.Realtime.Strategies;
using Kuzzle.Realtime.Tokens;

namespace Kuzzle.Realtime.Server.Api.Controllers;

/// <summary>
/// The <c>auth</c> controller (auth.md §2): login through strategies, session tokens, the caller's own credentials and API keys.
/// </summary>
public sealed partial class AuthController(
    StrategyRegistry strategies,
    TokenService tokens,
    TokenLinks links,
    LoginThrottle throttle,
    Kuzzle.Realtime.Security.Store.SecurityStore security,
    EffectiveSettings settings,
    PasswordChangeRevocation passwordChanges) : IApiController
{
    private readonly bool _cookieMode = settings.Options.Server.Http.CookieAuthentication;
    private readonly bool _cookieSecure = settings.Options.Server.Http.CookieSecure;

    /// <inheritdoc />
    public string Name => "auth";

    /// <inheritdoc />
    public void Register(ControllerTableBuilder table)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.Add(Name, "checkToken", CheckTokenAsync)
            .Add(Name, "createApiKey", CreateApiKeyAsync)
            .Add(Name, "createMyCredentials", CreateMyCredentialsAsync)
            .Add(Name, "createToken", CreateTokenAsync)
            .Add(Name, "credentialsExist", CredentialsExistAsync)
            .Add(Name, "deleteApiKey", DeleteApiKeyAsync)
            .Add(Name, "deleteMyCredentials", DeleteMyCredentialsAsync)
            .Add(Name, "getMyCredentials", GetMyCredentialsAsync)
            .Add(Name, "getStrategies", GetStrategies)
            .Add(Name, "login", LoginAsync)
            .Add(Name, "logout", LogoutAsync)
            .Add(Name, "refreshToken", RefreshTokenAsync)
            .Add(Name, "updateMyCredentials", UpdateMyCredentialsAsync)
            .Add(Name, "validateMyCredentials", ValidateMyCredentialsAsync);
        RegisterUserActions(table);
    }

    private ValueTask<ApiResult?> GetStrategies(RequestContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ApiResult?>(Result(new JsonArray([.. strategies.Names.Select(n => (JsonNode)JsonValue.Create(n)!)])));

    private async ValueTask<ApiResult?> LoginAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var input = context.Input;
        var strategy = StrategyCalls.Resolve(strategies, input);
        var cookieAuth = CookieAuth(input);
        var expiresIn = ExpiresIn(input);
        var account = LoginAccount(input);
        await throttle.CheckAsync(context.Connection, account, cancellationToken);

        var request = new StrategyLoginRequest(Body(input), StrategyCalls.Arguments(input), context.RequestHeaders ?? EmptyHeaders, RemoteAddress(context.Connection))
        {
            Protocol = context.Connection.Protocol,
        };
        var verdict = await StrategyCalls.RunAsync(() => strategy.VerifyAsync(request, cancellationToken));
        if (verdict.Redirect is { } redirect)
        {
            // Multi-step strategies (OAuth): answer with their redirection; over HTTP it becomes the status and headers.
            context.Status = redirect.StatusCode;
            var headers = new JsonObject();
            foreach (var (name, value) in redirect.Headers)
            {
                context.AddResponseHeader(name, value);
                if (!name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase))
                {
                    // The browser-binding cookie is HttpOnly: it goes in the HTTP header only, never in the readable body.
                    headers[name] = value;
                }
            }

            return ApiResult.From(new JsonObject { ["headers"] = headers, ["statusCode"] = redirect.StatusCode });
        }

        if (verdict.Kuid is not { } kuid)
        {
            await throttle.RecordFailureAsync(context.Connection, account, cancellationToken);
            throw new KuzzleException(
                KuzzleErrors.Plugin.Strategy.MissingUser,
                verdict.Message ?? $"Unable to log in using the strategy \"{strategy.Name}\"",
                [verdict.Message]);
        }

        if (!await security.Users.ExistsAsync(kuid, cancellationToken))
        {
            throw KuzzleErrors.Plugin.Strategy.UnknownKuid.Create(strategy.Name);
        }

        await throttle.RecordSuccessAsync(context.Connection, account, cancellationToken);

        // auth.md §2.1: a connection already holding an API key or an infinite token of this user gets it back.
        if (links.LinkedToken(context.Connection.Id) is { } linked && linked.Kuid == kuid && (linked.Kind == TokenKind.ApiKey || linked.IsInfinite))
        {
            return TokenResult(context, linked, cookieAuth);
        }

        var token = await tokens.CreateAsync(kuid, expiresIn, cancellationToken: cancellationToken);
        links.Link(context.Connection, token, takeOverSubscriptions: true);
        return TokenResult(context, token, cookieAuth);
    }

    private async ValueTask<ApiResult?> LogoutAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var input = context.Input;
        if (CookieAuth(input))
        {
            // The cookie was not checked up front (protocol.md §5.9). Kuzzle only clears it; we also end its session when it is valid.
            if (input.Jwt is { } cookieToken)
            {
                try
                {
                    var token = await tokens.VerifyAsync(cookieToken, cancellationToken);
                    links.Unlink(context.Connection.Id);
                    await tokens.RevokeAsync(token, cancellationToken);
                }
                catch (KuzzleException ex) when (ex.Status == 401)
                {
                    // Already invalid: nothing to revoke.
                }
            }

            context.AddResponseHeader("Set-Cookie", $"{CookieAuthentication.CookieName}=null; Path=/; HttpOnly; SameSite=Strict{SecureFlag(context)}");
            return Acknowledged();
        }

        var user = RequireAuthenticated(context, "logout");

        // Unlinked first, so this connection keeps its subscriptions; other connections on the token lose theirs.
        links.Unlink(context.Connection.Id);
        if (input.GetBoolean("global"))
        {
            await tokens.RevokeAllAsync(user.Kuid, cancellationToken);
        }
        else if (user.Token is { Kind: TokenKind.Auth } token)
        {
            await tokens.RevokeAsync(token, cancellationToken);
        }

        return Acknowledged();
    }

    private async ValueTask<ApiResult?> CheckTokenAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var input = context.Input;
        string? token;
        if (CookieAuth(input))
        {
            token = input.Jwt;
        }
        else if (input.HasBody && input.Body.ValueKind == JsonValueKind.Object && input.Body.TryGetProperty("token", out var value))
        {
            token = value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : throw KuzzleErrors.Api.Assert.InvalidType.Create("body.token", "string");
        }
        else
        {
            token = null;
        }

        if (string.IsNullOrEmpty(token))
        {
            return Result(new JsonObject { ["expiresAt"] = null, ["kuid"] = "-1", ["valid"] = true });
        }

        try
        {
            var checkedToken = await tokens.VerifyAsync(token, cancellationToken);
            return Result(new JsonObject { ["expiresAt"] = checkedToken.ExpiresAt, ["kuid"] = checkedToken.Kuid, ["valid"] = true });
        }
        catch (KuzzleException ex) when (ex.Status == 401)
        {
            return Result(new JsonObject { ["state"] = ex.Message, ["valid"] = false });
        }
    }

    private async ValueTask<ApiResult?> RefreshTokenAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var input = context.Input;
        var user = RequireAuthenticated(context, "refreshToken");
        var cookieAuth = CookieAuth(input);
        var expiresIn = ExpiresIn(input);
        var current = user.Token!;
        if (input.GetStringOrDefault("strategy") is { } name && name != "local")
        {
            if (!strategies.TryGet(name, out var strategy))
            {
                throw KuzzleErrors.Security.Credentials.UnknownStrategy.Create(name);
            }

            if (strategy.Features.HasFlag(StrategyFeatures.RefreshToken))
            {
                try
                {
                    var request = new StrategyLoginRequest(Body(input), StrategyCalls.Arguments(input), context.RequestHeaders ?? EmptyHeaders, RemoteAddress(context.Connection))
                    {
                        Protocol = context.Connection.Protocol,
                    };
                    var verdict = await strategy.RefreshTokenAsync(request, cancellationToken);
                    if (verdict.ExpiresIn is { } strategyLifetime)
                    {
                        expiresIn = (long)strategyLifetime.TotalMilliseconds;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    throw new KuzzleException(KuzzleErrors.Security.Token.RefreshForbidden, StrategyCalls.ToKuzzleError(ex).Message, ["Token"]);
                }
            }
        }

        var fresh = await tokens.RefreshAsync(current, expiresIn, cancellationToken);
        links.Link(context.Connection, fresh, takeOverSubscriptions: true);
        return TokenResult(context, fresh, cookieAuth);
    }

    private async ValueTask<ApiResult?> CreateTokenAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var input = context.Input;
        var expiresIn = ExpiresIn(input);
        if (expiresIn == -1 && input.TryGetArg("expiresIn", out var raw))
        {
            throw KuzzleErrors.Security.Token.InvalidExpiration.Create(raw.ValueKind == JsonValueKind.String ? raw.GetString() : raw.GetRawText());
        }

        var singleUse = input.GetBoolean("singleUse");
        var token = await tokens.CreateAsync(context.User.Kuid, expiresIn, singleUse, cancellationToken);
        return Result(new JsonObject
        {
            ["expiresAt"] = token.ExpiresAt,
            ["singleUse"] = token.SingleUse,
            ["token"] = token.Token,
            ["ttl"] = token.Ttl,
        });
    }

    private async ValueTask<ApiResult?> CredentialsExistAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var (strategy, call, kuid) = OwnCredentials(context, "credentialsExist");
        var exists = await StrategyCalls.RunAsync(() => strategy.ExistsAsync(call, kuid, cancellationToken));
        return Result(JsonValue.Create(exists));
    }

    private async ValueTask<ApiResult?> GetMyCredentialsAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var (strategy, call, kuid) = OwnCredentials(context, "getMyCredentials");
        if (!strategy.Features.HasFlag(StrategyFeatures.GetInfo))
        {
            return Result(new JsonObject());
        }

        return Result(await StrategyCalls.RunAsync(() => strategy.GetInfoAsync(call, kuid, cancellationToken)));
    }

    private async ValueTask<ApiResult?> CreateMyCredentialsAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var (strategy, call, kuid) = OwnCredentials(context, "createMyCredentials");
        var credentials = context.Input.GetBodyObject();
        await StrategyCalls.RunAsync(() => strategy.ValidateAsync(call, credentials, kuid, isUpdate: false, cancellationToken));
        return Result(await StrategyCalls.RunAsync(() => strategy.CreateAsync(call, credentials, kuid, cancellationToken)));
    }

    private async ValueTask<ApiResult?> UpdateMyCredentialsAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var (strategy, call, kuid) = OwnCredentials(context, "updateMyCredentials");
        var credentials = context.Input.GetBodyObject();
        var updated = await ProvingCurrentPasswordAsync(context, kuid, async () =>
        {
            await StrategyCalls.RunAsync(() => strategy.ValidateAsync(call, credentials, kuid, isUpdate: true, cancellationToken));
            return await StrategyCalls.RunAsync(() => strategy.UpdateAsync(call, credentials, kuid, cancellationToken));
        }, cancellationToken);
        await passwordChanges.AfterCredentialsUpdateAsync(kuid, credentials, context.User, cancellationToken);
        return Result(updated);
    }

    private async ValueTask<ApiResult?> ValidateMyCredentialsAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var (strategy, call, kuid) = OwnCredentials(context, "validateMyCredentials");
        var credentials = context.Input.GetBodyObject();
        await StrategyCalls.RunAsync(() => strategy.ValidateAsync(call, credentials, kuid, isUpdate: false, cancellationToken));
        return Result(JsonValue.Create(true));
    }

    private async ValueTask<ApiResult?> DeleteMyCredentialsAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var (strategy, call, kuid) = OwnCredentials(context, "deleteMyCredentials");
        await ProvingCurrentPasswordAsync(context, kuid, async () =>
        {
            await StrategyCalls.RunAsync(() => strategy.DeleteAsync(call, kuid, cancellationToken));
            return true;
        }, cancellationToken);
        return Acknowledged();
    }

    private async ValueTask<ApiResult?> CreateApiKeyAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var input = context.Input;
        var user = RequireAuthenticated(context, "createApiKey");
        var description = ApiKeyDescription(input);
        var (key, token) = await tokens.ApiKeys.CreateAsync(
            user.Kuid, input.GetIdOrDefault(), ApiKeyExpiresIn(input), description, enforceMaxTtl: true, cancellationToken);
        return Write(key, token);
    }

    private async ValueTask<ApiResult?> DeleteApiKeyAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var user = RequireAuthenticated(context, "deleteApiKey");
        var id = context.Input.GetId();
        await tokens.ApiKeys.DeleteAsync(user.Kuid, id, cancellationToken);
        return Result(new JsonObject { ["_id"] = id });
    }

    /// <summary>The body of an API key creation: <c>description</c> is required.</summary>
    internal static string ApiKeyDescription(RequestInput input)
    {
        if (!input.HasBody)
        {
            throw KuzzleErrors.Api.Assert.BodyRequired.Create();
        }

        return input.GetBodyString("description");
    }

    /// <summary>An API key lifetime: falsy = never expires.</summary>
    internal static long? ApiKeyExpiresIn(RequestInput input) => ExpiresIn(input) ?? -1;

    // A token may outlive what a cookie date can say (year 9999): such a cookie says the latest date there is.
    private static readonly long MaxCookieExpiry = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>Writes a created key with its token (the only time it is shown).</summary>
    internal static ApiResult Write(ApiKey key, string? token) => new ApiKeyResult(key, token);

    /// <summary>
    /// <c>expiresIn</c>: a number of ms or an <c>ms</c>-style string; falsy (absent, null, 0, "") means "use the default".
    /// </summary>
    internal static long? ExpiresIn(RequestInput input)
    {
        if (!input.TryGetArg("expiresIn", out var raw) || raw.ValueKind is JsonValueKind.Null or JsonValueKind.False
            || (raw.ValueKind == JsonValueKind.String && raw.GetString() is "")
            || (raw.ValueKind == JsonValueKind.Number && raw.GetDouble() == 0))
        {
            return null;
        }

        var parsed = KuzzleDuration.TryParse(raw);
        if (parsed is not { } ms || double.IsNaN(ms) || ms == 0 || (ms < 0 && ms != -1) || ms > long.MaxValue / 2)
        {
            throw KuzzleErrors.Api.Assert.InvalidArgument.Create("expiresIn", "a number of milliseconds, or a parsable timespan string");
        }

        return (long)ms;
    }

    /// <summary>Throws 401 for anonymous callers of an action that needs a user.</summary>
    internal static UserIdentity RequireAuthenticated(RequestContext context, string action) =>
        context.User.IsAnonymous ? throw KuzzleErrors.Security.Rights.Unauthorized.Create("auth", action) : context.User;

    private (IAuthenticationStrategy Strategy, StrategyCallContext Call, string Kuid) OwnCredentials(RequestContext context, string action)
    {
        var user = RequireAuthenticated(context, action);
        var strategy = StrategyCalls.Resolve(strategies, context.Input);
        var call = new StrategyCallContext("auth", user.Kuid, Body(context.Input), StrategyCalls.Arguments(context.Input));
        return (strategy, call, user.Kuid);
    }

    // Secure over TLS, or always with Kuzzle:Server:Http:CookieSecure (TLS ended by a proxy in front of the server).
    private string SecureFlag(RequestContext context) => context.IsTls || _cookieSecure ? "; Secure" : "";

    private ApiResult TokenResult(RequestContext context, AuthToken token, bool cookieAuth)
    {
        var result = new JsonObject { ["_id"] = token.Kuid, ["expiresAt"] = token.ExpiresAt };
        if (cookieAuth)
        {
            var expires = token.IsInfinite
                ? string.Empty
                : "; Expires=" + DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(token.ExpiresAt, MaxCookieExpiry)).ToString("R", CultureInfo.InvariantCulture);
            context.AddResponseHeader(
                "Set-Cookie", $"{CookieAuthentication.CookieName}={Uri.EscapeDataString(token.Token)}; Path=/{expires}; HttpOnly; SameSite=Strict{SecureFlag(context)}");
        }
        else
        {
            result["jwt"] = token.Token;
        }

        result["ttl"] = token.Ttl;
        return ApiResult.From(result);
    }

    private bool CookieAuth(RequestInput input)
    {
        if (!input.HasArg("cookieAuth") || !input.GetBoolean("cookieAuth"))
        {
            return false;
        }

        return _cookieMode ? true : throw KuzzleErrors.Security.Cookie.Unsupported.Create();
    }

    // Changing or deleting one's credentials may require the current password (requirePassword): wrong guesses are counted
    // by the login throttle like failed logins, against the user and the address, and refused once over the limits.
    private async ValueTask<T> ProvingCurrentPasswordAsync<T>(RequestContext context, string kuid, Func<Task<T>> action, CancellationToken cancellationToken)
    {
        var account = "kuid/" + kuid;
        await throttle.CheckAsync(context.Connection, account, cancellationToken, isLogin: false);
        try
        {
            return await action();
        }
        catch (KuzzleException ex) when (ex.Status == 403)
        {
            await throttle.RecordFailureAsync(context.Connection, account, cancellationToken);
            throw;
        }
    }

    // The username the throttle counts failures against: passport-local reads the body, then the arguments.
    private static string? LoginAccount(RequestInput input)
    {
        if (input.Body.ValueKind == JsonValueKind.Object && input.Body.TryGetProperty("username", out var u) && u.ValueKind == JsonValueKind.String)
        {
            return u.GetString();
        }

        return input.TryGetArg("username", out var arg) && arg.ValueKind == JsonValueKind.String ? arg.GetString() : null;
    }

    private static JsonElement Body(RequestInput input) => input.HasBody ? input.Body : default;

    private static IPAddress? RemoteAddress(IConnectionInfo connection) =>
        IPAddress.TryParse(connection.RemoteAddress, out var address) ? address : null;

    private static readonly IReadOnlyDictionary<string, string> EmptyHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    private static ApiResult Result(JsonNode? node) => ApiResult.From(node);

    private static ApiResult Acknowledged() => ApiResult.From(new JsonObject { ["acknowledged"] = true });

    private sealed class ApiKeyResult(ApiKey key, string? token) : ApiResult
    {
        public override void WriteTo(Utf8JsonWriter writer) => key.WriteTo(writer, token);
    }
}

using System.Net;
using System.Text.Json;

namespace Kuzzle.Realtime.Strategies;

/// <summary>
/// What a strategy sees of an <c>auth:login</c> request (passport-style: body, query = request arguments, headers).
/// </summary>
/// <param name="Body">The request body; <see cref="JsonValueKind.Undefined"/> when there is none.</param>
/// <param name="Arguments">The request arguments (query string or frame fields), raw JSON values keyed by name.</param>
/// <param name="Headers">Request headers (HTTP) or the frame's <c>headers</c>; names are case-insensitive.</param>
/// <param name="RemoteAddress">The client address, when known.</param>
public sealed record StrategyLoginRequest(
    JsonElement Body,
    IReadOnlyDictionary<string, JsonElement> Arguments,
    IReadOnlyDictionary<string, string> Headers,
    IPAddress? RemoteAddress)
{
    /// <summary>
    /// How the request arrived: <c>http</c> or <c>websocket</c>; null for internal logins. Browser-bound flows (the OAuth
    /// binding cookie) only exist over HTTP, where the response reaches the browser that will follow the redirect.
    /// </summary>
    public string? Protocol { get; init; }

    /// <summary>A request with only a body (tests, internal logins such as a password reset).</summary>
    public static StrategyLoginRequest FromBody(JsonElement body) =>
        new(body, EmptyArguments, EmptyHeaders, null);

    internal static readonly IReadOnlyDictionary<string, JsonElement> EmptyArguments = new Dictionary<string, JsonElement>();
    internal static readonly IReadOnlyDictionary<string, string> EmptyHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// The API request on whose behalf a credential method runs (Kuzzle passes the request object to every strategy method).
/// </summary>
/// <param name="Controller">The controller that received the request (<c>auth</c>, <c>security</c>, a plugin controller), or null for internal calls.</param>
/// <param name="CallerKuid">The authenticated caller's kuid (<c>-1</c> for anonymous), or null for internal calls.</param>
/// <param name="Body">The request body; <see cref="JsonValueKind.Undefined"/> when there is none.</param>
/// <param name="Arguments">The request arguments, raw JSON values keyed by name.</param>
public sealed record StrategyCallContext(
    string? Controller,
    string? CallerKuid,
    JsonElement Body,
    IReadOnlyDictionary<string, JsonElement> Arguments)
{
    /// <summary>A call made by the host itself (no API request, no caller).</summary>
    public static StrategyCallContext Internal { get; } = new(null, null, default, StrategyLoginRequest.EmptyArguments);

    /// <summary>A call through <paramref name="controller"/> by <paramref name="callerKuid"/> with no body or arguments.</summary>
    public static StrategyCallContext For(string controller, string? callerKuid) =>
        new(controller, callerKuid, default, StrategyLoginRequest.EmptyArguments);
}

/// <summary>The outcome of <see cref="IAuthenticationStrategy.VerifyAsync"/>.</summary>
public sealed class StrategyVerifyResult
{
    private StrategyVerifyResult(string? kuid, string? message, StrategyRedirect? redirect)
    {
        Kuid = kuid;
        Message = message;
        Redirect = redirect;
    }

    /// <summary>The authenticated user, when <see cref="Succeeded"/>.</summary>
    public string? Kuid { get; }

    /// <summary>
    /// Why authentication failed, sent as the message of 401 <c>plugin.strategy.missing_user</c>; null lets the host use
    /// <c>Unable to log in using the strategy "&lt;name&gt;"</c>.
    /// </summary>
    public string? Message { get; }

    /// <summary>A response to send instead of a token, for multi-step flows (OAuth redirects).</summary>
    public StrategyRedirect? Redirect { get; }

    /// <summary>True when a user was authenticated.</summary>
    public bool Succeeded => Kuid is not null;

    /// <summary>Authentication succeeded as <paramref name="kuid"/>.</summary>
    public static StrategyVerifyResult Success(string kuid) =>
        new(kuid ?? throw new ArgumentNullException(nameof(kuid)), null, null);

    /// <summary>Authentication failed (401 <c>plugin.strategy.missing_user</c>) with this message.</summary>
    public static StrategyVerifyResult Failure(string? message) => new(null, message, null);

    /// <summary>Answer the login request with <paramref name="redirect"/> instead of a token.</summary>
    public static StrategyVerifyResult Redirection(StrategyRedirect redirect) =>
        new(null, null, redirect ?? throw new ArgumentNullException(nameof(redirect)));
}

/// <summary>A login answer for multi-step flows: Kuzzle returns <c>{headers, statusCode}</c> as the result and uses them for HTTP.</summary>
/// <param name="StatusCode">The HTTP status (for example 302).</param>
/// <param name="Headers">Response headers (for example <c>Location</c>).</param>
public sealed record StrategyRedirect(int StatusCode, IReadOnlyDictionary<string, string> Headers);

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Strategies;

/// <summary>
/// An authentication strategy (Kuzzle's strategy plugin contract, auth.md §4.2): verifies login requests and manages
/// the credentials it owns for each user (kuid). One instance serves every request; implementations are thread-safe.
/// </summary>
/// <remarks>
/// Errors: throw <see cref="StrategyException"/> for errors meant for the client (ad-hoc status and message, or a
/// catalogued error id); the host turns any other exception into 500 <c>plugin.runtime.unexpected_error</c>.
/// Results of <see cref="CreateAsync"/>, <see cref="UpdateAsync"/>, <see cref="GetInfoAsync"/> and <see cref="GetByIdAsync"/>
/// are sent to clients as they are: they must never contain a secret (password, hash, salt).
/// </remarks>
public interface IAuthenticationStrategy
{
    /// <summary>The strategy name clients pass as the <c>strategy</c> argument (for example <c>local</c>).</summary>
    string Name { get; }

    /// <summary>The credential fields this strategy reads (Kuzzle's <c>config.fields</c>; local: <c>username</c>, <c>password</c>).</summary>
    IReadOnlyList<string> Fields { get; }

    /// <summary>Which optional methods this strategy implements; the host must not call the others.</summary>
    StrategyFeatures Features { get; }

    /// <summary>Authenticates a login request (<c>auth:login</c>).</summary>
    /// <returns>A user, a failure with its message, or a redirect for multi-step (OAuth-like) flows.</returns>
    ValueTask<StrategyVerifyResult> VerifyAsync(StrategyLoginRequest request, CancellationToken cancellationToken = default);

    /// <summary>Whether the user has credentials for this strategy (<c>auth:credentialsExist</c>, <c>getCurrentUser</c>).</summary>
    ValueTask<bool> ExistsAsync(StrategyCallContext context, string kuid, CancellationToken cancellationToken = default);

    /// <summary>Stores new credentials for a user. The host has called <see cref="ValidateAsync"/> (isUpdate false) first.</summary>
    /// <returns>A non-sensitive description of the credentials, sent to the client.</returns>
    ValueTask<JsonObject> CreateAsync(StrategyCallContext context, JsonElement credentials, string kuid, CancellationToken cancellationToken = default);

    /// <summary>Changes a user's credentials (partial update). The host has called <see cref="ValidateAsync"/> (isUpdate true) first.</summary>
    /// <returns>A non-sensitive description of the credentials, sent to the client.</returns>
    ValueTask<JsonObject> UpdateAsync(StrategyCallContext context, JsonElement credentials, string kuid, CancellationToken cancellationToken = default);

    /// <summary>Removes the user's credentials for this strategy.</summary>
    ValueTask DeleteAsync(StrategyCallContext context, string kuid, CancellationToken cancellationToken = default);

    /// <summary>Checks credentials without storing them; throws <see cref="StrategyException"/> to reject them.</summary>
    ValueTask ValidateAsync(StrategyCallContext context, JsonElement credentials, string kuid, bool isUpdate, CancellationToken cancellationToken = default);

    /// <summary>Non-sensitive information about a user's credentials (<c>auth:getMyCredentials</c>). Needs <see cref="StrategyFeatures.GetInfo"/>.</summary>
    ValueTask<JsonObject> GetInfoAsync(StrategyCallContext context, string kuid, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"Strategy \"{Name}\" has no getInfo method.");

    /// <summary>Non-sensitive credentials looked up by the strategy's own user id (local: the username). Needs <see cref="StrategyFeatures.GetById"/>.</summary>
    ValueTask<JsonObject> GetByIdAsync(StrategyCallContext context, string strategyUserId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"Strategy \"{Name}\" has no getById method.");

    /// <summary>Searches credentials (<c>security:searchUsersByCredentials</c>). Needs <see cref="StrategyFeatures.Search"/>.</summary>
    ValueTask<StrategySearchResult> SearchAsync(JsonElement searchBody, int from, int size, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"Strategy \"{Name}\" has no search method.");

    /// <summary>
    /// Called by <c>auth:refreshToken</c> when the client names this strategy; throw to refuse the refresh (the host answers
    /// 401 <c>security.token.refresh_forbidden</c>). Needs <see cref="StrategyFeatures.RefreshToken"/>.
    /// </summary>
    /// <returns>An optional token lifetime overriding the requested one.</returns>
    ValueTask<StrategyRefreshResult> RefreshTokenAsync(StrategyLoginRequest request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"Strategy \"{Name}\" has no refreshToken method.");
}

/// <summary>The optional methods of <see cref="IAuthenticationStrategy"/> a strategy implements.</summary>
[Flags]
public enum StrategyFeatures
{
    /// <summary>Only the required methods.</summary>
    None = 0,

    /// <summary><see cref="IAuthenticationStrategy.GetInfoAsync"/> is implemented (else <c>getMyCredentials</c> answers <c>{}</c>).</summary>
    GetInfo = 1,

    /// <summary><see cref="IAuthenticationStrategy.GetByIdAsync"/> is implemented.</summary>
    GetById = 2,

    /// <summary><see cref="IAuthenticationStrategy.SearchAsync"/> is implemented.</summary>
    Search = 4,

    /// <summary><see cref="IAuthenticationStrategy.RefreshTokenAsync"/> is implemented.</summary>
    RefreshToken = 8,
}

/// <summary>One page of <see cref="IAuthenticationStrategy.SearchAsync"/> results.</summary>
/// <param name="Hits">Non-sensitive credential descriptions.</param>
/// <param name="Total">The total number of matches.</param>
public sealed record StrategySearchResult(IReadOnlyList<JsonObject> Hits, long Total);

/// <summary>The result of <see cref="IAuthenticationStrategy.RefreshTokenAsync"/>.</summary>
/// <param name="ExpiresIn">A token lifetime overriding the requested one, or null to keep it.</param>
public sealed record StrategyRefreshResult(TimeSpan? ExpiresIn = null);

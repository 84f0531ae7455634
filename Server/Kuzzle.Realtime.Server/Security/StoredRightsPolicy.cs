using System.Text.Json;
using Kuzzle.Realtime.Security;
using Kuzzle.Realtime.Security.Store;
using Kuzzle.Realtime.Server.Api;

namespace Kuzzle.Realtime.Server.Security;

/// <summary>
/// The funnel's rights stage over the stored roles and profiles (security.md §3.3), with the profiles' rate limit (§3.5).
/// Fails closed: a store that cannot be read makes the request fail, it never allows it.
/// </summary>
public sealed class StoredRightsPolicy(RightsService rights) : IRightsPolicy
{
    /// <inheritdoc />
    public async ValueTask<bool> IsAllowedAsync(RequestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.Input;

        // Everyone starts anonymous: logging in must stay possible whatever the roles say (auth.md §3).
        if (input.Controller == "auth" && input.Action == "login")
        {
            return true;
        }

        var userRights = await rights.GetUserRightsAsync(context.User.Kuid, cancellationToken);
        var request = new RightsRequest(input.Controller!, input.Action!, StringArg(input, "index"), StringArg(input, "collection"), Targets(input));
        return userRights.IsAllowed(request);
    }

    /// <inheritdoc />
    public async ValueTask<bool> IsAllowedAsync(
        UserIdentity user, string controller, string action, string? index, string? collection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var userRights = await rights.GetUserRightsAsync(user.Kuid, cancellationToken);
        return userRights.IsAllowed(new RightsRequest(controller, action, index, collection));
    }

    /// <inheritdoc />
    public async ValueTask<int> GetRateLimitAsync(UserIdentity user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var limit = (await rights.GetUserRightsAsync(user.Kuid, cancellationToken)).RateLimit;
        return (int)Math.Min(limit, int.MaxValue);
    }

    private static string? StringArg(Kuzzle.Realtime.Protocol.Requests.RequestInput input, string name) =>
        input.TryGetArg(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The <c>targets</c> argument of multi-target actions: <c>[{index, collections:[…]}]</c>.</summary>
    /// <summary>
    /// The request a <c>checkRights</c> body describes (<c>controller</c>, <c>action</c>, optional <c>index</c>, <c>collection</c>,
    /// <c>targets</c>); non-string controller/action ⇒ <c>api.assert.missing_argument</c> <c>body.controller</c>/<c>body.action</c>.
    /// </summary>
    public static RightsRequest FromPayload(JsonElement body)
    {
        string Field(string name) =>
            body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()!
                : throw Kuzzle.Realtime.Protocol.Errors.KuzzleErrors.Api.Assert.MissingArgument.Create("body." + name);
        string? Optional(string name) => body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return new RightsRequest(
            Field("controller"),
            Field("action"),
            Optional("index"),
            Optional("collection"),
            body.TryGetProperty("targets", out var targets) ? ParseTargets(targets) : null);
    }

    internal static IReadOnlyList<RightsTarget>? Targets(Kuzzle.Realtime.Protocol.Requests.RequestInput input) =>
        input.TryGetArg("targets", out var value) ? ParseTargets(value) : null;

    internal static IReadOnlyList<RightsTarget>? ParseTargets(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var targets = new List<RightsTarget>();
        foreach (var target in value.EnumerateArray())
        {
            if (target.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var index = target.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            var collections = target.TryGetProperty("collections", out var c) && c.ValueKind == JsonValueKind.Array
                ? c.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
                : null;
            targets.Add(new RightsTarget(index, collections));
        }

        return targets;
    }
}

namespace Kuzzle.Realtime.Security;

/// <summary>
/// User-level decisions over a user's compiled profiles (security.md §3.3–§3.5): the funnel check, the rate limit
/// and the rights listing.
/// </summary>
public static class RightsEvaluator
{
    /// <summary>
    /// Whether the user <paramref name="kuid"/>, holding <paramref name="profiles"/>, may run
    /// <paramref name="request"/>. Whitelist: one allowing policy of one profile suffices. <c>auth:login</c> is
    /// always allowed to the anonymous user: every client logs in as anonymous. With <c>targets</c>, each complete
    /// target (index and collections) must be covered, collection by collection, by a policy allowing the action;
    /// wildcards in targets are refused. Unlike Kuzzle, a multi-target request whose action no policy allows is
    /// refused even when no target is complete.
    /// </summary>
    /// <remarks>The funnel answers security.rights.unauthorized for kuid <c>-1</c>, else security.rights.forbidden.</remarks>
    public static bool IsAllowed(string kuid, ReadOnlySpan<CompiledRights> profiles, in RightsRequest request)
    {
        ArgumentNullException.ThrowIfNull(kuid);
        ArgumentNullException.ThrowIfNull(request.Controller);
        ArgumentNullException.ThrowIfNull(request.Action);
        if (kuid == BuiltInSecurity.AnonymousKuid && request.Controller == "auth" && request.Action == "login")
        {
            return true;
        }

        if (profiles.IsEmpty)
        {
            return false;
        }

        var targets = request.Targets;
        if (targets is null || targets.Count == 0)
        {
            foreach (var profile in profiles)
            {
                if (profile.IsAllowed(request.Controller, request.Action, request.Index, request.Collection))
                {
                    return true;
                }
            }

            return false;
        }

        return AreTargetsAllowed(profiles, request.Controller, request.Action, targets);
    }

    /// <summary>
    /// The id the funnel raises on a refusal: security.rights.unauthorized for the anonymous user (401), else
    /// security.rights.forbidden (403). Placeholders: controller, action, kuid.
    /// </summary>
    public static string DeniedErrorId(string kuid) =>
        kuid == BuiltInSecurity.AnonymousKuid ? SecurityErrorIds.RightsUnauthorized : SecurityErrorIds.RightsForbidden;

    /// <summary>The user's rate limit: 0 (unlimited) if any profile has 0 or there is none, else the largest.</summary>
    public static long RateLimit(ReadOnlySpan<CompiledRights> profiles)
    {
        long limit = 0;
        foreach (var profile in profiles)
        {
            if (profile.RateLimit == 0)
            {
                return 0;
            }

            limit = Math.Max(limit, profile.RateLimit);
        }

        return limit;
    }

    /// <summary>
    /// getUserRights / getMyRights (and getProfileRights for one profile), security.md §3.4: one item per policy ×
    /// role controller × action × restricted index (or <c>*</c>) × collection (or <c>*</c>), de-duplicated on the
    /// whole item including its value, first appearance first. The same right may therefore appear both allowed
    /// and denied.
    /// </summary>
    public static IReadOnlyList<RightsItem> ListRights(ReadOnlySpan<CompiledRights> profiles)
    {
        var seen = new HashSet<RightsItem>();
        var items = new List<RightsItem>();
        foreach (var profile in profiles)
        {
            foreach (var policy in profile.Policies)
            {
                foreach (var controller in policy.Role.Definition.Controllers)
                {
                    foreach (var (action, allowed) in controller.Actions)
                    {
                        if (policy.Restrictions.Count == 0)
                        {
                            Add(new RightsItem(controller.Name, action, "*", "*", allowed));
                            continue;
                        }

                        foreach (var (index, collections) in policy.Restrictions)
                        {
                            if (collections.Count == 0)
                            {
                                Add(new RightsItem(controller.Name, action, index, "*", allowed));
                                continue;
                            }

                            foreach (var collection in collections)
                            {
                                Add(new RightsItem(controller.Name, action, index, collection, allowed));
                            }
                        }
                    }
                }
            }
        }

        return items;

        void Add(RightsItem item)
        {
            if (seen.Add(item))
            {
                items.Add(item);
            }
        }
    }

    private static bool AreTargetsAllowed(
        ReadOnlySpan<CompiledRights> profiles, string controller, string action, IReadOnlyList<RightsTarget> targets)
    {
        var anyPolicyAllows = false;
        foreach (var profile in profiles)
        {
            if (profile.AllowsAction(controller, action))
            {
                anyPolicyAllows = true;
                break;
            }
        }

        if (!anyPolicyAllows)
        {
            return false;
        }

        for (var t = 0; t < targets.Count; t++)
        {
            var target = targets[t];
            if (string.IsNullOrEmpty(target.Index) || target.Collections is null)
            {
                continue;
            }

            if (target.Index.Contains('*', StringComparison.Ordinal))
            {
                return false;
            }

            for (var c = 0; c < target.Collections.Count; c++)
            {
                var collection = target.Collections[c];
                if (collection.Contains('*', StringComparison.Ordinal)
                    || !IsCovered(profiles, controller, action, target.Index, collection))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsCovered(
        ReadOnlySpan<CompiledRights> profiles, string controller, string action, string index, string collection)
    {
        foreach (var profile in profiles)
        {
            if (profile.IsAllowed(controller, action, index, collection))
            {
                return true;
            }
        }

        return false;
    }
}

using System.Text.Json;

namespace Kuzzle.Realtime.Security;

/// <summary>One <c>restrictedTo</c> entry: an index and, optionally, some of its collections.</summary>
/// <param name="Index">Index name.</param>
/// <param name="Collections"><c>null</c> when absent; absent or empty means every collection of the index.</param>
public sealed record PolicyRestriction(string Index, IReadOnlyList<string>? Collections = null);

/// <summary>A profile policy: a role, optionally restricted to indexes/collections.</summary>
/// <param name="RoleId">The role granted.</param>
/// <param name="RestrictedTo"><c>null</c> or empty: unrestricted.</param>
public sealed record Policy(string RoleId, IReadOnlyList<PolicyRestriction>? RestrictedTo = null);

/// <summary>A Kuzzle profile: policies and a per-user rate limit (security.md §1.2).</summary>
public sealed class Profile
{
    /// <summary>Builds a profile from already validated values (built-ins, tests). No validation.</summary>
    public Profile(string id, IReadOnlyList<Policy> policies, long rateLimit = 0)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentOutOfRangeException.ThrowIfNegative(rateLimit);
        Id = id;
        Policies = policies;
        RateLimit = rateLimit;
    }

    public string Id { get; }

    public IReadOnlyList<Policy> Policies { get; }

    /// <summary>Requests per second per user and node; 0 means unlimited.</summary>
    public long RateLimit { get; }

    /// <summary>
    /// Parses and validates a profile's stored or requested content (<c>policies</c>, <c>rateLimit</c>; other keys
    /// such as <c>tags</c> are the caller's). Missing, null or empty <c>policies</c> become
    /// <c>[{"roleId":"default"}]</c>, as Kuzzle does. Order: role existence (security.role.not_found), rate limit,
    /// policy shape (api.assert.*), the anonymous profile guard (security.profile.missing_anonymous_role).
    /// </summary>
    /// <param name="id">Profile id (used in error placeholders).</param>
    /// <param name="content">The profile document.</param>
    /// <param name="roleExists">Tells whether a role id exists; <c>null</c> skips the check.</param>
    /// <exception cref="SecurityValidationException">A rule is broken.</exception>
    public static Profile Parse(string id, JsonElement content, Func<string, bool>? roleExists = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        JsonObjects.RequireObjectBody(content);

        JsonObjects.TryGet(content, "policies", out var policies);
        var defaulted = JsonObjects.IsNullish(policies)
            || (policies.ValueKind == JsonValueKind.Array && policies.GetArrayLength() == 0);
        if (!defaulted && policies.ValueKind != JsonValueKind.Array)
        {
            throw new SecurityValidationException(SecurityErrorIds.InvalidType, $"{id}.policies", "object[]");
        }

        if (roleExists is not null)
        {
            CheckRolesExist(policies, defaulted, roleExists);
        }

        JsonObjects.TryGet(content, "rateLimit", out var rateLimitValue);
        var rateLimit = ParseRateLimit(rateLimitValue);

        List<Policy> result;
        if (defaulted)
        {
            result = [new Policy(BuiltInSecurity.DefaultId)];
        }
        else
        {
            result = new List<Policy>(policies.GetArrayLength());
            var i = 0;
            foreach (var policy in policies.EnumerateArray())
            {
                result.Add(ParsePolicy($"{id}.policies[{i}]", policy));
                i++;
            }
        }

        if (id == BuiltInSecurity.AnonymousId && !result.Exists(p => p.RoleId == BuiltInSecurity.AnonymousId))
        {
            throw new SecurityValidationException(SecurityErrorIds.ProfileMissingAnonymousRole);
        }

        return new Profile(id, result, rateLimit);
    }

    private static void CheckRolesExist(JsonElement policies, bool defaulted, Func<string, bool> roleExists)
    {
        if (defaulted)
        {
            if (!roleExists(BuiltInSecurity.DefaultId))
            {
                throw new SecurityValidationException(SecurityErrorIds.RoleNotFound, BuiltInSecurity.DefaultId);
            }

            return;
        }

        foreach (var policy in policies.EnumerateArray())
        {
            if (policy.ValueKind == JsonValueKind.Object
                && JsonObjects.TryGet(policy, "roleId", out var roleId)
                && roleId.ValueKind == JsonValueKind.String
                && roleId.GetString() is { Length: > 0 } name
                && !roleExists(name))
            {
                throw new SecurityValidationException(SecurityErrorIds.RoleNotFound, name);
            }
        }
    }

    private static long ParseRateLimit(JsonElement value)
    {
        if (JsonObjects.IsNullish(value))
        {
            return 0;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            throw new SecurityValidationException(SecurityErrorIds.InvalidType, "rateLimit", "integer");
        }

        long rateLimit;
        if (!value.TryGetInt64(out rateLimit))
        {
            // JavaScript numbers: 1.0 and 1e30 are integers, 1.5 is not. Beyond long, the limit is unreachable anyway.
            var number = value.GetDouble();
            if (double.IsNaN(number) || double.IsInfinity(number) || Math.Floor(number) != number)
            {
                throw new SecurityValidationException(SecurityErrorIds.InvalidType, "rateLimit", "integer");
            }

            rateLimit = number >= long.MaxValue ? long.MaxValue : number <= long.MinValue ? long.MinValue : (long)number;
        }

        if (rateLimit < 0)
        {
            throw new SecurityValidationException(SecurityErrorIds.InvalidArgument, "rateLimit", "positive integer, or zero");
        }

        return rateLimit;
    }

    private static Policy ParsePolicy(string path, JsonElement policy)
    {
        if (policy.ValueKind != JsonValueKind.Object)
        {
            throw new SecurityValidationException(SecurityErrorIds.InvalidType, path, "object");
        }

        JsonObjects.TryGet(policy, "roleId", out var roleIdValue);
        if (JsonObjects.IsNullish(roleIdValue)
            || (roleIdValue.ValueKind == JsonValueKind.String && roleIdValue.GetString()!.Length == 0))
        {
            throw new SecurityValidationException(SecurityErrorIds.MissingArgument, $"{path}.roleId");
        }

        if (roleIdValue.ValueKind != JsonValueKind.String)
        {
            throw new SecurityValidationException(SecurityErrorIds.InvalidType, $"{path}.roleId", "string");
        }

        var members = JsonObjects.Properties(policy);
        foreach (var (member, _) in members)
        {
            if (member is not ("roleId" or "restrictedTo"))
            {
                throw new SecurityValidationException(
                    SecurityErrorIds.UnexpectedArgument, $"{path}.{member}", "\"roleId\", \"restrictedTo\"");
            }
        }

        JsonObjects.TryGet(policy, "restrictedTo", out var restrictedTo);
        return new Policy(roleIdValue.GetString()!, ParseRestrictions($"{path}.restrictedTo", restrictedTo));
    }

    private static List<PolicyRestriction>? ParseRestrictions(string path, JsonElement restrictedTo)
    {
        if (JsonObjects.IsNullish(restrictedTo))
        {
            return null;
        }

        if (restrictedTo.ValueKind != JsonValueKind.Array)
        {
            throw new SecurityValidationException(SecurityErrorIds.InvalidType, path, "object[]");
        }

        var result = new List<PolicyRestriction>(restrictedTo.GetArrayLength());
        var j = 0;
        foreach (var restriction in restrictedTo.EnumerateArray())
        {
            var at = $"{path}[{j}]";
            if (restriction.ValueKind != JsonValueKind.Object)
            {
                throw new SecurityValidationException(SecurityErrorIds.InvalidType, at, "object");
            }

            JsonObjects.TryGet(restriction, "index", out var index);
            if (JsonObjects.IsNullish(index))
            {
                throw new SecurityValidationException(SecurityErrorIds.MissingArgument, $"{at}.index");
            }

            if (index.ValueKind != JsonValueKind.String)
            {
                throw new SecurityValidationException(SecurityErrorIds.InvalidType, $"{at}.index", "string");
            }

            JsonObjects.TryGet(restriction, "collections", out var collections);
            List<string>? names = null;
            if (!JsonObjects.IsNullish(collections))
            {
                if (collections.ValueKind != JsonValueKind.Array)
                {
                    throw new SecurityValidationException(SecurityErrorIds.InvalidType, $"{at}.collections", "string[]");
                }

                names = new List<string>(collections.GetArrayLength());
                foreach (var collection in collections.EnumerateArray())
                {
                    if (collection.ValueKind != JsonValueKind.String)
                    {
                        throw new SecurityValidationException(SecurityErrorIds.InvalidType, $"{at}.collections", "string[]");
                    }

                    names.Add(collection.GetString()!);
                }
            }

            foreach (var (member, _) in JsonObjects.Properties(restriction))
            {
                if (member is not ("index" or "collections"))
                {
                    throw new SecurityValidationException(
                        SecurityErrorIds.UnexpectedArgument, $"{at}.{member}", "\"index\", \"collections\"");
                }
            }

            result.Add(new PolicyRestriction(index.GetString()!, names));
            j++;
        }

        return result;
    }
}

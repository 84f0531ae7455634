using System.Text.Json;
using System.Text.RegularExpressions;

namespace Kuzzle.Realtime.Strategies.Local;

/// <summary>
/// One entry of the local strategy's <c>passwordPolicies</c> (auth.md §5.6): to whom it applies and which rules it adds.
/// </summary>
public sealed partial class PasswordPolicy
{
    /// <summary>True when the policy applies to everyone (<c>"appliesTo": "*"</c>).</summary>
    public bool AppliesToEveryone { get; init; }

    /// <summary>Kuids the policy applies to.</summary>
    public IReadOnlyList<string> Users { get; init; } = [];

    /// <summary>Profile ids the policy applies to.</summary>
    public IReadOnlyList<string> Profiles { get; init; } = [];

    /// <summary>Role ids the policy applies to (through the user's profiles).</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>A password older than this must be changed at login (<c>expired_password</c>).</summary>
    public TimeSpan? ExpiresAfter { get; init; }

    /// <summary>Reject passwords containing the username, case-insensitively (<c>login_in_password</c>).</summary>
    public bool ForbidLoginInPassword { get; init; }

    /// <summary>Reject the current password and this many minus one previous ones (<c>reused_password</c>); 0 = off.</summary>
    public int ForbidReusedPasswordCount { get; init; }

    /// <summary>A password set by someone else (an admin) must be changed at login (<c>must_change_password</c>); admin-role users are exempt.</summary>
    public bool MustChangePasswordIfSetByAdmin { get; init; }

    /// <summary>New passwords must match this (<c>weak_password</c>).</summary>
    public Regex? PasswordRegex { get; init; }

    /// <summary>Parses one policy from configuration.</summary>
    /// <exception cref="StrategyConfigurationException">The policy is invalid (messages follow the plugin's startup checks).</exception>
    public static PasswordPolicy Parse(JsonElement policy)
    {
        if (policy.ValueKind != JsonValueKind.Object)
        {
            throw new StrategyConfigurationException("Each element of 'passwordPolicies' must be an object");
        }

        var everyone = false;
        IReadOnlyList<string> users = [], profiles = [], roles = [];
        var appliesTo = policy.TryGetProperty("appliesTo", out var a) ? a : default;
        if (appliesTo.ValueKind == JsonValueKind.String && appliesTo.GetString() == "*")
        {
            everyone = true;
        }
        else if (appliesTo.ValueKind == JsonValueKind.Object)
        {
            users = StringList(appliesTo, "users");
            profiles = StringList(appliesTo, "profiles");
            roles = StringList(appliesTo, "roles");
            if (users.Count + profiles.Count + roles.Count == 0
                && !appliesTo.TryGetProperty("users", out _) && !appliesTo.TryGetProperty("profiles", out _) && !appliesTo.TryGetProperty("roles", out _))
            {
                throw new StrategyConfigurationException("Empty 'appliesTo' attribute found for passwordPolicies. At least one of 'users', 'profiles' or 'roles' lists must be set");
            }
        }
        else
        {
            throw new StrategyConfigurationException("The 'appliesTo' attribute of passwordPolicies elements must either be equal to '*' or be an object");
        }

        TimeSpan? expiresAfter = null;
        if (policy.TryGetProperty("expiresAfter", out var e) && IsTruthy(e))
        {
            var ms = KuzzleDuration.TryParse(e);
            if (ms is not > 0)
            {
                throw new StrategyConfigurationException("The 'expiresAfter' attribute must be a valid positive time representation. cf ms module documentation");
            }

            expiresAfter = TimeSpan.FromMilliseconds(ms.Value);
        }

        Regex? regex = null;
        if (policy.TryGetProperty("passwordRegex", out var r) && r.ValueKind == JsonValueKind.String && r.GetString()!.Length > 0)
        {
            regex = ParseRegex(r.GetString()!);
        }

        return new PasswordPolicy
        {
            AppliesToEveryone = everyone,
            Users = users,
            Profiles = profiles,
            Roles = roles,
            ExpiresAfter = expiresAfter,
            ForbidLoginInPassword = policy.TryGetProperty("forbidLoginInPassword", out var f) && IsTruthy(f),
            ForbidReusedPasswordCount = policy.TryGetProperty("forbidReusedPasswordCount", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var count) && count > 0 ? count : 0,
            MustChangePasswordIfSetByAdmin = policy.TryGetProperty("mustChangePasswordIfSetByAdmin", out var m) && IsTruthy(m),
            PasswordRegex = regex,
        };
    }

    /// <summary>
    /// Reads a JavaScript-style regular expression: <c>/pattern/flags</c> (flags among <c>gismuy</c>; <c>i m s</c> are honoured)
    /// or a bare pattern, as the plugin does.
    /// </summary>
    /// <exception cref="StrategyConfigurationException">The pattern does not compile.</exception>
    internal static Regex ParseRegex(string text)
    {
        var match = SlashedRegex().Match(text);
        var pattern = text;
        var options = RegexOptions.CultureInvariant;
        if (match.Success)
        {
            pattern = match.Groups["pattern"].Value.Replace(@"\/", "/", StringComparison.Ordinal);
            foreach (var flag in match.Groups["flags"].Value)
            {
                options |= flag switch
                {
                    'i' => RegexOptions.IgnoreCase,
                    'm' => RegexOptions.Multiline,
                    's' => RegexOptions.Singleline,
                    _ => RegexOptions.None,
                };
            }
        }

        try
        {
            // The timeout bounds a pathological pattern (catastrophic backtracking) to a failed validation, not a stuck request.
            return new Regex(pattern, options, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException ex)
        {
            throw new StrategyConfigurationException($"Invalid 'passwordRegex' in passwordPolicies: {ex.Message}", ex);
        }
    }

    internal bool AppliesTo(string kuid, StrategyUserSecurity? user)
    {
        if (AppliesToEveryone || Users.Contains(kuid))
        {
            return true;
        }

        return user is not null && (user.ProfileIds.Any(p => Profiles.Contains(p)) || user.RoleIds.Any(r => Roles.Contains(r)));
    }

    private static IReadOnlyList<string> StringList(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var list) || list.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return [];
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw new StrategyConfigurationException($"The '{name}' attribute of passwordPolicies must be an array");
        }

        return [.. list.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!)];
    }

    internal static bool IsTruthy(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.Number => value.GetDouble() != 0,
        JsonValueKind.String => value.GetString()!.Length > 0,
        JsonValueKind.Object or JsonValueKind.Array => true,
        _ => false,
    };

    [GeneratedRegex(@"^/(?<pattern>.*?)/(?<flags>[gismuy]+)")]
    private static partial Regex SlashedRegex();
}

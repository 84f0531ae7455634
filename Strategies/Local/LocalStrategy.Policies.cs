// LocalStrategy: password policies (auth.md §5.6) and the password reset tokens of the plugin's "password" controller.
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Kuzzle.Realtime.Strategies.Local;

public sealed partial class LocalStrategy
{
    /// <summary>
    /// A reset token for <paramref name="kuid"/> (plugin action <c>password:getResetPasswordToken</c>): an HS256 JWT
    /// <c>{resetForKuid}</c> valid <see cref="LocalStrategyOptions.ResetPasswordExpiresIn"/>.
    /// </summary>
    /// <exception cref="StrategyException">400 <c>Missing kuid</c>, or 400 <c>Invalid kuid given</c> when the user has no local credentials.</exception>
    public async ValueTask<string> GetResetPasswordTokenAsync(string? kuid, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(kuid))
        {
            throw new StrategyException(400, "Missing kuid");
        }

        if (await FindByKuidAsync(kuid, cancellationToken) is not { } found)
        {
            throw new StrategyException(400, "Invalid kuid given");
        }

        return _resetTokens.Create(kuid, ResetStamp(LocalCredentialDocument.Read(found.Source)));
    }

    /// <summary>
    /// Plugin action <c>password:reset</c>: checks the body <c>{password, token}</c> and the token, validates and stores the
    /// new password (as set by the user, so <c>mustChangePasswordIfSetByAdmin</c> is satisfied). The host then logs the user
    /// in with the returned username and the new password, and answers with the login result.
    /// </summary>
    /// <exception cref="StrategyException">Body errors (400), <c>expired_token</c>, <c>invalid_token</c>, or a credential/policy error.</exception>
    public async ValueTask<LocalPasswordReset> ResetPasswordAsync(JsonElement body, CancellationToken cancellationToken = default)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new StrategyException(400, "Missing request body");
        }

        if (!Truthy(body, "password"))
        {
            throw new StrategyException(400, "Missing \"password\" attribute");
        }

        var password = body.GetProperty("password");
        if (password.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(password.GetString()))
        {
            throw new StrategyException(400, "Invalid password supplied. Must be a non-empty string");
        }

        if (!Truthy(body, "token"))
        {
            throw new StrategyException(400, "Missing \"token\" attribute");
        }

        var token = body.GetProperty("token");
        if (token.ValueKind != JsonValueKind.String)
        {
            throw new StrategyException(400, "Invalid token supplied");
        }

        var kuid = await VerifyResetPasswordTokenAsync(token.GetString()!, cancellationToken);
        var credentials = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["password"] = password.GetString()! });
        await ValidateAsync(StrategyCallContext.Internal, credentials, kuid, isUpdate: true, cancellationToken);
        var found = await FindByKuidAsync(kuid, cancellationToken) ?? throw LocalErrors.NoCredentials(kuid);
        var output = await UpdateCoreAsync(found, null, password.GetString(), kuid, cancellationToken);
        return new LocalPasswordReset(kuid, (string)output["username"]!);
    }

    /// <summary>
    /// The kuid a reset token was issued for, while the password it was issued to replace is still the current one: a token is
    /// void once used and after any other password change.
    /// </summary>
    /// <exception cref="StrategyException"><c>expired_token</c> or <c>invalid_token</c>.</exception>
    public async ValueTask<string> VerifyResetPasswordTokenAsync(string token, CancellationToken cancellationToken = default)
    {
        var (kuid, stamp) = _resetTokens.Verify(token);
        var found = await FindByKuidAsync(kuid, cancellationToken);
        var current = found is null ? null : ResetStamp(LocalCredentialDocument.Read(found.Source));
        if (current is null || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(current), System.Text.Encoding.ASCII.GetBytes(stamp)))
        {
            throw LocalErrors.InvalidToken();
        }

        return kuid;
    }

    private string ResetStamp(LocalCredentialDocument document) => _resetTokens.Stamp(document.Hash ?? document.UserPassword ?? "");

    private async ValueTask<ApplicablePolicies> PoliciesForAsync(string kuid, CancellationToken cancellationToken)
    {
        if (_options.PasswordPolicies.Count == 0 || string.IsNullOrEmpty(kuid))
        {
            return ApplicablePolicies.None;
        }

        var user = _users is null ? null : await _users.GetUserSecurityAsync(kuid, cancellationToken);
        return new ApplicablePolicies([.. _options.PasswordPolicies.Where(p => p.AppliesTo(kuid, user))], user);
    }

    private bool IsPasswordExpired(LocalCredentialDocument document, IReadOnlyList<PasswordPolicy> policies)
    {
        if (document.PasswordDate is not { } setAt)
        {
            return false;
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return policies.Any(p => p.ExpiresAfter is { } maxAge && now > setAt + (long)maxAge.TotalMilliseconds);
    }

    private static bool MustChangePassword(LocalCredentialDocument document, ApplicablePolicies policies)
    {
        // Users with the admin role are never forced to change a password set by someone else.
        if (policies.User?.RoleIds.Contains("admin") == true)
        {
            return false;
        }

        return document.Updater != document.Kuid && policies.Applicable.Any(p => p.MustChangePasswordIfSetByAdmin);
    }

    private async ValueTask ValidatePoliciesAsync(string kuid, string? username, string? password, StrategyDocument? current, CancellationToken cancellationToken)
    {
        var policies = await PoliciesForAsync(kuid, cancellationToken);
        if (policies.Count == 0 || password is null)
        {
            return;
        }

        var document = current is null ? null : LocalCredentialDocument.Read(current.Source);
        var login = username ?? current?.Id;
        foreach (var policy in policies.Applicable)
        {
            if (policy.ForbidLoginInPassword && login is not null
                && password.Contains(login, StringComparison.OrdinalIgnoreCase))
            {
                throw LocalErrors.LoginInPassword();
            }

            if (policy.PasswordRegex is { } regex && !Matches(regex, password))
            {
                throw LocalErrors.WeakPassword();
            }

            if (policy.ForbidReusedPasswordCount > 0 && document is not null)
            {
                var previous = new List<StoredPassword> { document };
                previous.AddRange(document.PasswordHistory ?? []);
                foreach (var old in previous.Take(policy.ForbidReusedPasswordCount))
                {
                    if ((old.Hash is not null || old.UserPassword is not null) && await VerifyPasswordAsync(password, old, cancellationToken))
                    {
                        throw LocalErrors.ReusedPassword();
                    }
                }
            }
        }
    }

    private static bool Matches(Regex regex, string password)
    {
        try
        {
            return regex.IsMatch(password);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private sealed record ApplicablePolicies(IReadOnlyList<PasswordPolicy> Applicable, StrategyUserSecurity? User)
    {
        public static ApplicablePolicies None { get; } = new([], null);

        public int Count => Applicable.Count;

        /// <summary>How many passwords (the current one included) the reuse rule looks at.</summary>
        public int PasswordRetention => Applicable.Count == 0 ? 0 : Applicable.Max(p => p.ForbidReusedPasswordCount);
    }
}

/// <summary>The outcome of <see cref="LocalStrategy.ResetPasswordAsync"/>: who to log in, and under which username.</summary>
/// <param name="Kuid">The user whose password was reset.</param>
/// <param name="Username">Their local username.</param>
public sealed record LocalPasswordReset(string Kuid, string Username);

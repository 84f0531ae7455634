namespace Kuzzle.Realtime.Strategies.Local;

/// <summary>The local strategy's errors: the plugin's ad-hoc messages (auth.md §5.4) and its catalogued ids (§5.5).</summary>
public static class LocalErrors
{
    /// <summary>The prefix of the plugin's catalogued error ids.</summary>
    public const string IdPrefix = "plugin.kuzzle-plugin-auth-passport-local.";

    /// <summary>The message of a failed login (wrong username or password, or unknown user).</summary>
    public const string WrongCredentials = "wrong username or password";

    /// <summary>The message of a login without username or password (passport-local's).</summary>
    public const string MissingCredentials = "Missing credentials";

    internal static StrategyException KuidInCredentials() => new(400, "kuid cannot be specified in credentials.");

    internal static StrategyException LoginUsed(string username) => new(412, $"Login \"{username}\" is already used.");

    internal static StrategyException UsernameRequired() => new(400, "Username required.");

    internal static StrategyException PasswordRequired() => new(400, "Password required.");

    internal static StrategyException MissingUsernameOrPassword() => new(400, "Missing username or password.");

    internal static StrategyException PasswordNeeded() => new(400, "Password needed.");

    internal static StrategyException AlreadyExists(string kuid) => new(412, $"A strategy already exists for user \"{kuid}\".");

    internal static StrategyException NoCredentials(string kuid) => new(412, $"No credentials found for user \"{kuid}\".");

    internal static StrategyException KuidInUpdate() => new(400, "The request must not contain a kuid attribute.");

    internal static StrategyException CurrentPasswordRequired() => new(400, "Cannot update credentials: password required.");

    internal static StrategyException InvalidCurrentPassword() => new(403, "Invalid user or password.");

    internal static StrategyException NoCredentialsForUsername(string username) => new(412, $"No credentials found for username \"{username}\".");

    internal static StrategyException ExpiredPassword(string resetToken) =>
        StrategyException.Catalogued(IdPrefix + "expired_password", 401, "Expired password", ResetTokenDetail(resetToken));

    internal static StrategyException ExpiredToken() => StrategyException.Catalogued(IdPrefix + "expired_token", 401, "Expired token");

    internal static StrategyException InvalidToken() => StrategyException.Catalogued(IdPrefix + "invalid_token", 400, "Invalid token");

    internal static StrategyException LoginInPassword() => StrategyException.Catalogued(IdPrefix + "login_in_password", 400, "Password cannot contain Username");

    internal static StrategyException MustChangePassword(string resetToken) =>
        StrategyException.Catalogued(IdPrefix + "must_change_password", 401, "Password change required", ResetTokenDetail(resetToken));

    internal static StrategyException ReusedPassword() => StrategyException.Catalogued(IdPrefix + "reused_password", 400, "Cannot reuse password");

    internal static StrategyException WeakPassword() => StrategyException.Catalogued(IdPrefix + "weak_password", 400, "Password is too weak");

    private static Dictionary<string, string> ResetTokenDetail(string resetToken) => new() { ["resetToken"] = resetToken };
}

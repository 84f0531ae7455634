using System.Text.Json;
using Kuzzle.Realtime.Strategies.Local.Hashing;

namespace Kuzzle.Realtime.Strategies.Local;

/// <summary>
/// Settings of the local strategy: Kuzzle's plugin keys (auth.md §5.1) plus ours (<c>argon2</c>, <c>hasher</c>, <c>hashingConcurrency</c>).
/// </summary>
public sealed record LocalStrategyOptions
{
    // WARNING: declared before Default, which reads it while the type initialises.
    private static readonly TimeSpan DefaultResetLifetime = TimeSpan.FromHours(1);

    /// <summary>Defaults: argon2id at the OWASP minimum, the legacy settings of Kuzzle's defaults, reset tokens valid 1 h.</summary>
    public static LocalStrategyOptions Default { get; } = new();

    /// <summary>Parameters of new argon2id hashes (config <c>argon2: {memoryKiB, iterations, parallelism}</c>).</summary>
    public Argon2idParameters Argon2 { get; init; } = Argon2idParameters.Default;

    /// <summary>Implementation: <c>auto</c> (libsodium, else managed), <c>sodium</c> or <c>managed</c> (config <c>hasher</c>).</summary>
    public string Hasher { get; init; } = "auto";

    /// <summary>Hashes allowed at once; null = the core count (config <c>hashingConcurrency</c>).</summary>
    public int? HashingConcurrency { get; init; }

    /// <summary>Legacy: the algorithm Kuzzle hashed with (<c>algorithm</c>); a stored legacy hash with no algorithm uses it.</summary>
    public string LegacyAlgorithm { get; init; } = "sha512";

    /// <summary>Legacy: the output encoding of Kuzzle hashes (<c>digest</c>; Kuzzle always reads it from the configuration).</summary>
    public string LegacyDigest { get; init; } = "hex";

    /// <summary>Changing or deleting one's own credentials through the <c>auth</c> controller needs the current password (<c>requirePassword</c>).</summary>
    public bool RequirePassword { get; init; }

    /// <summary>Reset token lifetime (<c>resetPasswordExpiresIn</c>), 1 h by default; a reset token always expires (the plugin's -1 is refused).</summary>
    public TimeSpan ResetPasswordExpiresIn { get; init; } = DefaultResetLifetime;

    /// <summary>Password policies (<c>passwordPolicies</c>).</summary>
    public IReadOnlyList<PasswordPolicy> PasswordPolicies { get; init; } = [];

    /// <summary>Reads the configuration object (missing keys keep their defaults).</summary>
    /// <exception cref="StrategyConfigurationException">A setting is invalid; the message names it.</exception>
    public static LocalStrategyOptions Parse(JsonElement configuration)
    {
        if (configuration.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return Default;
        }

        if (configuration.ValueKind != JsonValueKind.Object)
        {
            throw new StrategyConfigurationException("The local strategy configuration must be an object");
        }

        var options = Default;
        if (configuration.TryGetProperty("algorithm", out var algorithm))
        {
            if (algorithm.ValueKind != JsonValueKind.String)
            {
                throw new StrategyConfigurationException("The 'algorithm' attribute is required");
            }

            if (!LegacyKuzzleHash.IsKuzzleAlgorithm(algorithm.GetString()!))
            {
                throw new StrategyConfigurationException($"The 'algorithm' attribute must be a valid algorithm; provided \"{algorithm.GetString()}\".");
            }

            options = options with { LegacyAlgorithm = algorithm.GetString()! };
        }

        if (configuration.TryGetProperty("digest", out var digest))
        {
            if (digest.ValueKind != JsonValueKind.String || digest.GetString() is not ("hex" or "base64" or "base64url" or "latin1" or "binary"))
            {
                throw new StrategyConfigurationException("The 'digest' attribute must be one of hex, base64, base64url, latin1, binary");
            }

            options = options with { LegacyDigest = digest.GetString()! };
        }

        if (configuration.TryGetProperty("encryption", out var encryption)
            && (encryption.ValueKind != JsonValueKind.String || encryption.GetString() is not ("hmac" or "hash")))
        {
            throw new StrategyConfigurationException("The 'encryption' attribute must be either 'hash' or 'hmac'");
        }

        if (configuration.TryGetProperty("requirePassword", out var requirePassword))
        {
            if (requirePassword.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw new StrategyConfigurationException("The 'requirePassword' parameter must be set with a boolean");
            }

            options = options with { RequirePassword = requirePassword.GetBoolean() };
        }

        if (configuration.TryGetProperty("resetPasswordExpiresIn", out var reset))
        {
            options = options with { ResetPasswordExpiresIn = ParseResetLifetime(reset) };
        }

        if (configuration.TryGetProperty("passwordPolicies", out var policies) && policies.ValueKind != JsonValueKind.Null)
        {
            if (policies.ValueKind != JsonValueKind.Array)
            {
                throw new StrategyConfigurationException("The 'passwordPolicies' attribute must be an array");
            }

            options = options with { PasswordPolicies = [.. policies.EnumerateArray().Select(PasswordPolicy.Parse)] };
        }

        if (configuration.TryGetProperty("argon2", out var argon2))
        {
            options = options with { Argon2 = ParseArgon2(argon2) };
        }

        if (configuration.TryGetProperty("hasher", out var hasher))
        {
            if (hasher.ValueKind != JsonValueKind.String || hasher.GetString() is not ("auto" or "sodium" or "managed"))
            {
                throw new StrategyConfigurationException("The 'hasher' attribute must be one of auto, sodium, managed");
            }

            options = options with { Hasher = hasher.GetString()! };
        }

        if (configuration.TryGetProperty("hashingConcurrency", out var concurrency) && concurrency.ValueKind != JsonValueKind.Null)
        {
            if (concurrency.ValueKind != JsonValueKind.Number || !concurrency.TryGetInt32(out var slots) || slots < 1)
            {
                throw new StrategyConfigurationException("The 'hashingConcurrency' attribute must be a positive integer");
            }

            options = options with { HashingConcurrency = slots };
        }

        return options;
    }

    private static TimeSpan ParseResetLifetime(JsonElement value)
    {
        // The plugin's rules, except that -1 (never expires) is refused: absent, 0, "" or null = the default; anything else must
        // parse to a positive duration.
        if (value.ValueKind == JsonValueKind.Number && value.GetDouble() == -1)
        {
            throw new StrategyConfigurationException("The 'resetPasswordExpiresIn' attribute cannot be -1: password reset tokens must expire");
        }

        if (!PasswordPolicy.IsTruthy(value))
        {
            return DefaultResetLifetime;
        }

        var ms = KuzzleDuration.TryParse(value);
        if (ms is not > 0)
        {
            throw new StrategyConfigurationException("The 'resetPasswordExpiresIn' attribute must be a valid positive time representation. cf ms module documentation");
        }

        return TimeSpan.FromMilliseconds(ms.Value);
    }

    private static Argon2idParameters ParseArgon2(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new StrategyConfigurationException("The 'argon2' attribute must be an object {memoryKiB, iterations, parallelism}");
        }

        var parameters = Argon2idParameters.Default with
        {
            MemoryKiB = Int(value, "memoryKiB", Argon2idParameters.Default.MemoryKiB),
            Iterations = Int(value, "iterations", Argon2idParameters.Default.Iterations),
            Parallelism = Int(value, "parallelism", Argon2idParameters.Default.Parallelism),
        };
        try
        {
            parameters.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new StrategyConfigurationException($"Invalid argon2 setting: {e.ParamName} out of range", e);
        }

        if (!parameters.MeetsOwaspMinimum)
        {
            throw new StrategyConfigurationException("The argon2 parameters are below the OWASP minimum (m=19456 KiB with t=2, or an equivalent such as m=12288/t=3, m=9216/t=4, m=7168/t=5)");
        }

        return parameters;
    }

    private static int Int(JsonElement parent, string name, int fallback)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            return fallback;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw new StrategyConfigurationException($"The 'argon2.{name}' attribute must be an integer");
    }
}

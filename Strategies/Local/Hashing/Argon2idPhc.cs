using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Kuzzle.Realtime.Strategies.Local.Hashing;

/// <summary>
/// An argon2id hash in PHC string format, <c>$argon2id$v=19$m=19456,t=2,p=1$&lt;salt&gt;$&lt;hash&gt;</c>, salt and hash in
/// standard base64 without padding (the format libsodium and the reference implementation write).
/// </summary>
public sealed class Argon2idPhc
{
    private const string Prefix = "$argon2id$v=19$";

    private Argon2idPhc(Argon2idParameters parameters, byte[] salt, byte[] hash)
    {
        Parameters = parameters;
        Salt = salt;
        Hash = hash;
    }

    /// <summary>The cost parameters; <see cref="Argon2idParameters.HashLength"/> and <see cref="Argon2idParameters.SaltLength"/> are those of this hash.</summary>
    public Argon2idParameters Parameters { get; }

    /// <summary>The salt bytes.</summary>
    public ReadOnlyMemory<byte> Salt { get; }

    /// <summary>The hash bytes.</summary>
    public ReadOnlyMemory<byte> Hash { get; }

    /// <summary>Whether <paramref name="encoded"/> looks like an argon2id PHC string (prefix only; use <see cref="TryParse"/> to check it).</summary>
    public static bool IsArgon2id(string? encoded) => encoded is not null && encoded.StartsWith("$argon2id$", StringComparison.Ordinal);

    /// <summary>Writes a PHC string.</summary>
    public static string Format(Argon2idParameters parameters, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> hash)
    {
        var text = new StringBuilder(Prefix.Length + 32 + (salt.Length * 4 / 3) + (hash.Length * 4 / 3) + 8);
        text.Append(Prefix)
            .Append(CultureInfo.InvariantCulture, $"m={parameters.MemoryKiB},t={parameters.Iterations},p={parameters.Parallelism}$")
            .Append(Convert.ToBase64String(salt).TrimEnd('='))
            .Append('$')
            .Append(Convert.ToBase64String(hash).TrimEnd('='));
        return text.ToString();
    }

    /// <summary>Reads a PHC string written by <see cref="Format"/> (or by libsodium / the reference implementation).</summary>
    /// <param name="encoded">The PHC string.</param>
    /// <param name="phc">The parsed hash.</param>
    /// <param name="error">Why it is invalid (never contains the salt or hash).</param>
    public static bool TryParse(string? encoded, [NotNullWhen(true)] out Argon2idPhc? phc, [NotNullWhen(false)] out string? error)
    {
        phc = null;
        if (encoded is null || !encoded.StartsWith("$argon2id$", StringComparison.Ordinal))
        {
            error = "not an argon2id PHC string";
            return false;
        }

        // $argon2id$v=19$m=..,t=..,p=..$salt$hash → ["", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash]
        var parts = encoded.Split('$');
        if (parts.Length != 6)
        {
            error = "expected 5 '$'-separated fields";
            return false;
        }

        if (parts[2] != "v=19")
        {
            error = "unsupported argon2 version (only v=19)";
            return false;
        }

        if (!TryParseParameters(parts[3], out var memory, out var iterations, out var parallelism, out error))
        {
            return false;
        }

        if (!TryDecodeBase64(parts[4], out var salt) || salt.Length is < 8 or > 64)
        {
            error = "invalid salt encoding or length";
            return false;
        }

        if (!TryDecodeBase64(parts[5], out var hash) || hash.Length is < 16 or > 1024)
        {
            error = "invalid hash encoding or length";
            return false;
        }

        var parameters = new Argon2idParameters(memory, iterations, parallelism, hash.Length, salt.Length);
        try
        {
            parameters.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            error = $"parameter {e.ParamName} out of range";
            return false;
        }

        phc = new Argon2idPhc(parameters, salt, hash);
        error = null;
        return true;
    }

    /// <summary>Reads a PHC string.</summary>
    /// <exception cref="FormatException">The string is not a valid argon2id PHC string.</exception>
    public static Argon2idPhc Parse(string encoded) =>
        TryParse(encoded, out var phc, out var error) ? phc : throw new FormatException($"Invalid argon2id hash: {error}.");

    private static bool TryParseParameters(string text, out int memory, out int iterations, out int parallelism, [NotNullWhen(false)] out string? error)
    {
        memory = iterations = parallelism = 0;
        var fields = text.Split(',');
        if (fields.Length != 3
            || !TryParseField(fields[0], "m=", out memory)
            || !TryParseField(fields[1], "t=", out iterations)
            || !TryParseField(fields[2], "p=", out parallelism))
        {
            error = "expected parameters m=<KiB>,t=<passes>,p=<lanes>";
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryParseField(string field, string name, out int value)
    {
        value = 0;
        var digits = field.AsSpan();
        if (!digits.StartsWith(name, StringComparison.Ordinal))
        {
            return false;
        }

        digits = digits[name.Length..];
        // Decimal digits only, no sign, no leading zero (PHC rule), so one hash has one spelling.
        if (digits.IsEmpty || digits.Length > 10 || (digits[0] == '0' && digits.Length > 1) || digits.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryDecodeBase64(string text, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        // Unpadded standard base64 only: '=' and the url-safe alphabet are rejected.
        if (text.Length == 0 || text.Length % 4 == 1 || text.Contains('=', StringComparison.Ordinal))
        {
            return false;
        }

        var padded = text.Length % 4 == 0 ? text : text + new string('=', 4 - (text.Length % 4));
        var buffer = new byte[Base64.GetMaxDecodedFromUtf8Length(padded.Length)];
        if (!Convert.TryFromBase64String(padded, buffer, out var written))
        {
            return false;
        }

        bytes = buffer[..written];
        // Non-canonical trailing bits would give two spellings of one hash.
        return Convert.ToBase64String(bytes).TrimEnd('=') == text;
    }
}

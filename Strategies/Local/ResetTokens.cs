using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Kuzzle.Realtime.Strategies.Local;

/// <summary>
/// Password reset tokens as the plugin issues them: an HS256 JWT <c>{"resetForKuid", "iat", "exp", "iss"}</c>, issuer
/// <c>kuzzle-plugin-auth-passport-local</c>, signed with the UTF-8 bytes of the stored hex secret. We add <c>pwd</c>, a stamp of
/// the password the token replaces: once that password changes (through this token or otherwise) the token is void, which makes
/// it single-use without any server-side state.
/// </summary>
internal sealed class ResetTokens(byte[] key, TimeSpan lifetime, TimeProvider time)
{
    public const string Issuer = "kuzzle-plugin-auth-passport-local";

    private static readonly byte[] Header = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8);

    /// <summary>The stamp of a stored password: an HMAC of its hash, so the token reveals nothing of it.</summary>
    public string Stamp(string storedHash) =>
        Encoding.ASCII.GetString(Base64Url(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("reset-password-stamp:" + storedHash)).AsSpan(0, 16)));

    public string Create(string kuid, string stamp)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("resetForKuid", kuid);
            json.WriteNumber("iat", now);
            json.WriteNumber("exp", now + (long)Math.Floor(lifetime.TotalSeconds));
            json.WriteString("iss", Issuer);
            json.WriteString("pwd", stamp);
            json.WriteEndObject();
        }

        var signingInput = Concat(Header, "."u8, Base64Url(buffer.ToArray()));
        var signature = Base64Url(HMACSHA256.HashData(key, signingInput));
        return Encoding.ASCII.GetString(Concat(signingInput, "."u8, signature));
    }

    /// <summary>The kuid a token was issued for and the stamp of the password it replaces.</summary>
    /// <exception cref="StrategyException"><c>expired_token</c> or <c>invalid_token</c> (also a token without expiry or stamp).</exception>
    public (string Kuid, string Stamp) Verify(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || !TryDecode(parts[0], out var header) || !TryDecode(parts[1], out var payload) || !TryDecode(parts[2], out var signature))
        {
            throw LocalErrors.InvalidToken();
        }

        // Pinned algorithm: only HS256 is accepted, whatever the header claims otherwise.
        if (!IsHs256(header))
        {
            throw LocalErrors.InvalidToken();
        }

        var expected = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        if (!CryptographicOperations.FixedTimeEquals(expected, signature))
        {
            throw LocalErrors.InvalidToken();
        }

        try
        {
            using var claims = JsonDocument.Parse(payload);
            var root = claims.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("resetForKuid", out var kuid) || kuid.ValueKind != JsonValueKind.String
                || (root.TryGetProperty("iss", out var iss) && iss.GetString() != Issuer)
                || !root.TryGetProperty("pwd", out var stamp) || stamp.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("exp", out var exp) || exp.ValueKind != JsonValueKind.Number || !exp.TryGetDouble(out var expSeconds))
            {
                throw LocalErrors.InvalidToken();
            }

            if (time.GetUtcNow().ToUnixTimeSeconds() >= expSeconds)
            {
                throw LocalErrors.ExpiredToken();
            }

            return (kuid.GetString()!, stamp.GetString()!);
        }
        catch (JsonException)
        {
            throw LocalErrors.InvalidToken();
        }
    }

    private static bool IsHs256(byte[] header)
    {
        try
        {
            using var json = JsonDocument.Parse(header);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("alg", out var alg)
                && alg.ValueKind == JsonValueKind.String
                && alg.GetString() == "HS256";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static byte[] Base64Url(ReadOnlySpan<byte> data) =>
        Encoding.ASCII.GetBytes(Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_'));

    private static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0 || text.Length % 4 == 1 || text.AsSpan().IndexOfAny("+/=") >= 0)
        {
            return false;
        }

        var standard = text.Replace('-', '+').Replace('_', '/');
        standard += new string('=', (4 - (standard.Length % 4)) % 4);
        try
        {
            bytes = Convert.FromBase64String(standard);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static byte[] Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c)
    {
        var result = new byte[a.Length + b.Length + c.Length];
        a.CopyTo(result);
        b.CopyTo(result.AsSpan(a.Length));
        c.CopyTo(result.AsSpan(a.Length + b.Length));
        return result;
    }
}

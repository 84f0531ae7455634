using System.Security.Cryptography;
using System.Text;

namespace Kuzzle.Realtime.Strategies.Local.Hashing;

/// <summary>
/// Kuzzle's own password hashes (kuzzle-plugin-auth-passport-local 6.x, auth.md §5.3), verified so that imported
/// users can log in once and be re-hashed with argon2id. Never used for new hashes.
/// </summary>
/// <remarks>
/// The quirks are deliberate: the salt is the 256-char hex <em>string</em> and its UTF-8 bytes are the PBKDF2 salt or
/// HMAC key; the PBKDF2 key length is the algorithm's bit size taken as bytes (sha512 → 512 bytes → 1024 hex chars).
/// </remarks>
public static class LegacyKuzzleHash
{
    /// <summary>PBKDF2 iterations used by Kuzzle.</summary>
    public const int Iterations = 10000;

    private static readonly HashAlgorithmName Sha224Name = new("SHA224");

    /// <summary>Whether Kuzzle accepted this algorithm name (its plugin's list; names are case-sensitive).</summary>
    public static bool IsKuzzleAlgorithm(string algorithm) => TryGetAlgorithm(algorithm, out _, out _);

    /// <summary>Computes a legacy hash exactly as Kuzzle did.</summary>
    /// <param name="password">The clear password.</param>
    /// <param name="salt">The stored <c>userSalt</c> (a hex string, used as text).</param>
    /// <param name="algorithm">The stored <c>algorithm</c> (<c>sha1 sha224 sha256 sha384 sha512</c>, <c>RSA-SHA*</c>, <c>sha*WithRSAEncryption</c>).</param>
    /// <param name="stretching">The stored <c>stretching</c> flag (PBKDF2).</param>
    /// <param name="encryption">The stored <c>encryption</c>: <c>hmac</c> or <c>hash</c> (used only without stretching).</param>
    /// <param name="digest">The output encoding: <c>hex</c>, <c>base64</c>, <c>base64url</c>, <c>latin1</c>/<c>binary</c>.</param>
    /// <returns>The encoded hash, or null when the algorithm, encryption or digest is unknown or unsupported.</returns>
    public static string? Compute(string password, string salt, string algorithm, bool stretching, string encryption, string digest)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(salt);
        if (!TryGetAlgorithm(algorithm, out var hashName, out var keyLength) || !IsSupportedDigest(digest))
        {
            return null;
        }

        var passwordBytes = Encoding.UTF8.GetBytes(password);
        var saltBytes = Encoding.UTF8.GetBytes(salt);
        byte[] raw;
        if (stretching)
        {
            raw = hashName == Sha224Name
                ? Sha224.Pbkdf2(passwordBytes, saltBytes, Iterations, keyLength)
                : Rfc2898DeriveBytes.Pbkdf2(passwordBytes, saltBytes, Iterations, hashName, keyLength);
        }
        else if (encryption == "hmac")
        {
            raw = Hmac(hashName, saltBytes, passwordBytes);
        }
        else if (encryption == "hash")
        {
            var data = salt.Length == 0 ? passwordBytes : Encoding.UTF8.GetBytes(salt + ":" + password);
            raw = Digest(hashName, data);
            CryptographicOperations.ZeroMemory(data);
        }
        else
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
            return null;
        }

        CryptographicOperations.ZeroMemory(passwordBytes);
        var encoded = Encode(raw, digest);
        CryptographicOperations.ZeroMemory(raw);
        return encoded;
    }

    /// <summary>Whether <paramref name="password"/> matches a stored legacy hash, compared in constant time.</summary>
    /// <returns>False for a wrong password and for parameters this code cannot compute.</returns>
    public static bool Verify(string password, string storedHash, string salt, string algorithm, bool stretching, string encryption, string digest)
    {
        ArgumentNullException.ThrowIfNull(storedHash);
        var computed = Compute(password, salt, algorithm, stretching, encryption, digest);
        if (computed is null)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(computed), Encoding.UTF8.GetBytes(storedHash));
    }

    private static bool TryGetAlgorithm(string algorithm, out HashAlgorithmName name, out int keyLength)
    {
        (name, keyLength) = algorithm switch
        {
            "sha1" or "RSA-SHA1" or "sha1WithRSAEncryption" => (HashAlgorithmName.SHA1, 40),
            "sha224" or "RSA-SHA224" or "sha224WithRSAEncryption" => (Sha224Name, 224),
            "sha256" or "RSA-SHA256" or "sha256WithRSAEncryption" => (HashAlgorithmName.SHA256, 256),
            "sha384" or "RSA-SHA384" or "sha384WithRSAEncryption" => (HashAlgorithmName.SHA384, 384),
            "sha512" or "RSA-SHA512" or "sha512WithRSAEncryption" => (HashAlgorithmName.SHA512, 512),
            _ => (default, 0),
        };
        return keyLength > 0;
    }

    private static bool IsSupportedDigest(string digest) => digest is "hex" or "base64" or "base64url" or "latin1" or "binary";

#pragma warning disable CA5350 // SHA-1 is verified only for users imported from Kuzzle, then replaced by argon2id.
    private static byte[] Hmac(HashAlgorithmName name, byte[] key, byte[] data) => name.Name switch
    {
        "SHA1" => HMACSHA1.HashData(key, data),
        "SHA224" => Sha224.Hmac(key, data),
        "SHA256" => HMACSHA256.HashData(key, data),
        "SHA384" => HMACSHA384.HashData(key, data),
        _ => HMACSHA512.HashData(key, data),
    };

    private static byte[] Digest(HashAlgorithmName name, byte[] data) => name.Name switch
    {
        "SHA1" => SHA1.HashData(data),
        "SHA224" => Sha224.HashData(data),
        "SHA256" => SHA256.HashData(data),
        "SHA384" => SHA384.HashData(data),
        _ => SHA512.HashData(data),
    };
#pragma warning restore CA5350

    private static string Encode(byte[] raw, string digest) => digest switch
    {
        "hex" => Convert.ToHexStringLower(raw),
        "base64" => Convert.ToBase64String(raw),
        "base64url" => Convert.ToBase64String(raw).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
        _ => Encoding.Latin1.GetString(raw),
    };
}

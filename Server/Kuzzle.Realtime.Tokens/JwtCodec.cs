using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kuzzle.Realtime.Protocol.Errors;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Kuzzle.Realtime.Tokens;

/// <summary>
/// The claims Kuzzle puts in a token: <c>{"_id": kuid, "iat": s, "exp": s}</c>, <c>exp</c> absent for infinite tokens (we add a random
/// <c>jti</c>, which clients ignore).
/// </summary>
/// <param name="Kuid">The <c>_id</c> claim.</param>
/// <param name="ExpiresAt">The <c>exp</c> claim in Unix milliseconds, or null when the token has none.</param>
public readonly record struct JwtClaims(string Kuid, long? ExpiresAt);

/// <summary>
/// Signs and checks compact JWTs with one pinned HMAC algorithm: a token signed with any other algorithm (including <c>none</c>)
/// is refused, whatever its header says.
/// </summary>
public sealed class JwtCodec
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials _credentials;
    private readonly TokenValidationParameters _validation;
    private readonly TimeProvider _time;

    /// <summary>Creates a codec for one secret and algorithm (HS256, HS384 or HS512).</summary>
    public JwtCodec(string secret, string algorithm, TimeSpan clockSkew, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var securityAlgorithm = algorithm switch
        {
            "HS256" => SecurityAlgorithms.HmacSha256,
            "HS384" => SecurityAlgorithms.HmacSha384,
            "HS512" => SecurityAlgorithms.HmacSha512,
            _ => throw new ArgumentException($"Unsupported JWT algorithm \"{algorithm}\".", nameof(algorithm)),
        };

        // Kuzzle uses the secret string itself as the HMAC key, so a secret configured for Kuzzle keeps validating its tokens.
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret));
        _credentials = new SigningCredentials(key, securityAlgorithm);
        _time = time;
        _validation = new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidAlgorithms = [securityAlgorithm],
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            RequireExpirationTime = false, // Infinite tokens have no exp; the session (or API key) must then say so too.
            ValidateLifetime = true,
            ClockSkew = clockSkew,
            LifetimeValidator = null,
            TryAllIssuerSigningKeys = true, // One key, and Kuzzle tokens carry no kid.
        };
        _validation.LifetimeValidator = ValidateLifetime;
    }

    /// <summary>Signs claims for a user; <paramref name="expiresAtMs"/> null = no <c>exp</c>.</summary>
    public string Create(string kuid, long issuedAtMs, long? expiresAtMs)
    {
        ArgumentNullException.ThrowIfNull(kuid);
        using var buffer = new MemoryStream(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("_id", kuid);
            writer.WriteNumber("iat", issuedAtMs / 1000);
            if (expiresAtMs is { } exp)
            {
                writer.WriteNumber("exp", exp / 1000);
            }

            // Kuzzle's claims alone make two logins of a user in the same second yield the same token (and one logout end both).
            Span<byte> nonce = stackalloc byte[12];
            RandomNumberGenerator.Fill(nonce);
            writer.WriteString("jti", Convert.ToHexStringLower(nonce));

            writer.WriteEndObject();
        }

        return _handler.CreateToken(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), _credentials);
    }

    /// <summary>Checks a compact JWT (without prefix): signature, algorithm and <c>exp</c>; throws <c>security.token.*</c>.</summary>
    public async ValueTask<JwtClaims> ValidateAsync(string compact)
    {
        ArgumentNullException.ThrowIfNull(compact);
        var result = await _handler.ValidateTokenAsync(compact, _validation).ConfigureAwait(false);
        if (!result.IsValid)
        {
            throw result.Exception is SecurityTokenExpiredException
                ? KuzzleErrors.Security.Token.Expired.Create()
                : KuzzleErrors.Security.Token.Invalid.Create();
        }

        var token = (JsonWebToken)result.SecurityToken;
        if (!token.TryGetPayloadValue<string>("_id", out var kuid) || string.IsNullOrEmpty(kuid))
        {
            throw KuzzleErrors.Security.Token.Invalid.Create();
        }

        long? expiresAt = token.TryGetPayloadValue<long>("exp", out var exp) ? exp * 1000 : null;
        return new JwtClaims(kuid, expiresAt);
    }

    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        if (expires is not { } exp)
        {
            return true;
        }

        if (exp.ToUniversalTime() + parameters.ClockSkew < _time.GetUtcNow().UtcDateTime)
        {
            throw new SecurityTokenExpiredException("Token expired");
        }

        return true;
    }
}

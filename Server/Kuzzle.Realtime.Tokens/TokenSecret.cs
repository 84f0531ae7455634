using System.Security.Cryptography;
using System.Text.Json;
using Kuzzle.Realtime.Storage;

namespace Kuzzle.Realtime.Tokens;

/// <summary>
/// The JWT signing secret: the configured one, or a random one generated on first start and kept in the store (so every node and
/// every restart signs with the same secret). Never a built-in default.
/// </summary>
public static class TokenSecret
{
    /// <summary>Collection holding the generated secret.</summary>
    public const string Collection = "config";

    /// <summary>Document id of the generated secret (Kuzzle's).</summary>
    public const string DocumentId = "security.jwt.secret";

    /// <summary>Returns the configured secret, else the stored one, else generates, stores and returns a new one.</summary>
    public static async Task<string> LoadOrCreateAsync(IDocumentStore documents, string? configured, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        if (await ReadAsync(documents, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            return stored;
        }

        // 512 random bytes as 1024 hex characters, like Kuzzle's generated seed.
        var seed = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(512));
        try
        {
            await documents.CreateAsync(Collection, DocumentId, JsonSerializer.Serialize(new Dictionary<string, string> { ["seed"] = seed }, TokenJsonContext.Default.DictionaryStringString), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return seed;
        }
        catch (DocumentExistsException)
        {
            // Another node generated it first: everyone uses that one.
            return await ReadAsync(documents, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The stored JWT secret vanished while it was being created.");
        }
    }

    private static async Task<string?> ReadAsync(IDocumentStore documents, CancellationToken cancellationToken)
    {
        var stored = await documents.GetAsync(Collection, DocumentId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(stored.Json);
        return doc.RootElement.TryGetProperty("seed", out var seed) && seed.ValueKind == JsonValueKind.String && seed.GetString() is { Length: > 0 } s
            ? s
            : throw new InvalidOperationException("The stored JWT secret is malformed.");
    }
}

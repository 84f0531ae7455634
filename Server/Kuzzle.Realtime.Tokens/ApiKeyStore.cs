using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Storage;

namespace Kuzzle.Realtime.Tokens;

/// <summary>An API key as clients see it (<c>_source</c> without the token).</summary>
/// <param name="Id">Key id.</param>
/// <param name="Description">Free description.</param>
/// <param name="ExpiresAt">Expiry in Unix ms, or -1.</param>
/// <param name="Fingerprint">SHA-256 hex of the token.</param>
/// <param name="Ttl">Lifetime in ms, or -1.</param>
/// <param name="UserId">Owner.</param>
public sealed record ApiKey(string Id, string Description, long ExpiresAt, string Fingerprint, long Ttl, string UserId)
{
    /// <summary>Writes <c>{"_id", "_source": {description, expiresAt, fingerprint, ttl, userId[, token]}}</c>.</summary>
    public void WriteTo(Utf8JsonWriter writer, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("_id", Id);
        writer.WriteStartObject("_source");
        WriteSourceFields(writer);
        if (token is not null)
        {
            writer.WriteString("token", token);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The <c>_source</c> fields (without the token) as an object, for searches that evaluate queries over it.</summary>
    public JsonObject ToSource()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            WriteSourceFields(writer);
            writer.WriteEndObject();
        }

        return JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
    }

    private void WriteSourceFields(Utf8JsonWriter writer)
    {
        writer.WriteString("description", Description);
        writer.WriteNumber("expiresAt", ExpiresAt);
        writer.WriteString("fingerprint", Fingerprint);
        writer.WriteNumber("ttl", Ttl);
        writer.WriteString("userId", UserId);
    }
}

/// <summary>
/// API keys: long-lived tokens stored as fingerprints only (the token is shown once, at creation). Deleting the document revokes
/// the key on every node at once.
/// </summary>
public sealed class ApiKeyStore
{
    /// <summary>Collection of API key documents.</summary>
    public const string Collection = "api-keys";

    private const int PageSize = 1000;

    private readonly IDocumentStore _documents;
    private readonly TimeProvider _time;
    private readonly TokenOptions _options;
    private readonly TokenService _tokens;

    internal ApiKeyStore(IDocumentStore documents, TimeProvider time, TokenOptions options, TokenService tokens)
    {
        _documents = documents;
        _time = time;
        _options = options;
        _tokens = tokens;
    }

    /// <summary>
    /// Creates a key for a user and returns it with its token (the only time the token exists outside the client).
    /// <paramref name="enforceMaxTtl"/> is false for the admin path (<c>security:createApiKey</c> bypasses the maximum).
    /// </summary>
    public async ValueTask<(ApiKey Key, string Token)> CreateAsync(
        string kuid, string? id, long? expiresInMs, string description, bool enforceMaxTtl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kuid);
        ArgumentNullException.ThrowIfNull(description);
        var ttl = TokenService.CheckLifetime(expiresInMs ?? -1);

        if (enforceMaxTtl && _options.ApiKeyMaxTtl > -1 && (ttl == -1 || ttl > _options.ApiKeyMaxTtl))
        {
            throw KuzzleErrors.Security.Token.TtlExceeded.Create();
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var expiresAt = ttl == -1 ? -1 : now + ttl;
        var jwt = await _tokens.StartAsync(cancellationToken).ConfigureAwait(false);
        var token = AuthToken.ApiKeyPrefix + jwt.Create(kuid, now, ttl == -1 ? null : expiresAt);
        var fingerprint = TokenHash.Compute(token).ToHex();
        var key = new ApiKey(string.IsNullOrEmpty(id) ? Guid.NewGuid().ToString() : id, description, expiresAt, fingerprint, ttl, kuid);
        var json = JsonSerializer.Serialize(
            new ApiKeyDocument { Description = description, ExpiresAt = expiresAt, Fingerprint = fingerprint, Ttl = ttl, UserId = kuid },
            TokenJsonContext.Default.ApiKeyDocument);
        try
        {
            await TokenService.GuardAsync(_documents.CreateAsync(
                Collection, key.Id, json, [new IndexTerm("userId", kuid), new IndexTerm("fingerprint", fingerprint)], cancellationToken)).ConfigureAwait(false);
        }
        catch (DocumentExistsException)
        {
            throw KuzzleErrors.Services.Storage.DocumentAlreadyExists.Create();
        }

        return (key, token);
    }

    /// <summary>Every API key of a user, in id order.</summary>
    public async ValueTask<IReadOnlyList<ApiKey>> ListAsync(string kuid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kuid);
        var keys = new List<ApiKey>();
        if (kuid.Length == 0)
        {
            return keys; // No user has an empty id.
        }

        for (var from = 0; ; from += PageSize)
        {
            var page = await TokenService.GuardAsync(_documents.FindByTermAsync(Collection, "userId", kuid, from, PageSize, cancellationToken)).ConfigureAwait(false);
            foreach (var stored in page.Items)
            {
                keys.Add(Read(stored));
            }

            if (page.Items.Count < PageSize)
            {
                return keys;
            }
        }
    }

    /// <summary>Deletes a key of a user, revoking it everywhere; 404 <c>services.storage.not_found</c> if it is not theirs.</summary>
    public async ValueTask DeleteAsync(string kuid, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kuid); // An empty one owns no key: not found below.
        ArgumentException.ThrowIfNullOrEmpty(id);
        var stored = await TokenService.GuardAsync(_documents.GetAsync(Collection, id, cancellationToken)).ConfigureAwait(false)
            ?? throw KuzzleErrors.Services.Storage.NotFound.Create(id, "kuzzle", Collection);
        var key = Read(stored);
        if (key.UserId != kuid)
        {
            throw new KuzzleException(KuzzleErrors.Services.Storage.NotFound, $"ApiKey \"{id}\" not found for user \"{kuid}\".", [id, "kuzzle", Collection]);
        }

        await RemoveAsync(key, stored.Version, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes every key of a user (user deletion); returns how many.</summary>
    public async ValueTask<int> DeleteAllAsync(string kuid, CancellationToken cancellationToken = default)
    {
        var keys = await ListAsync(kuid, cancellationToken).ConfigureAwait(false);
        foreach (var key in keys)
        {
            await RemoveAsync(key, null, cancellationToken).ConfigureAwait(false);
        }

        return keys.Count;
    }

    /// <summary>Finds the key a checked JWT belongs to: its fingerprint must be stored for that same user.</summary>
    internal async ValueTask<AuthToken> CheckAsync(string token, TokenHash hash, JwtClaims claims, CancellationToken cancellationToken)
    {
        var page = await TokenService.GuardAsync(_documents.FindByTermAsync(Collection, "fingerprint", hash.ToHex(), 0, 2, cancellationToken)).ConfigureAwait(false);
        foreach (var stored in page.Items)
        {
            var key = Read(stored);
            if (key.UserId == claims.Kuid && (key.ExpiresAt == -1) == (claims.ExpiresAt is null))
            {
                return new AuthToken(claims.Kuid, token, hash, TokenKind.ApiKey, key.ExpiresAt, key.Ttl, ApiKeyId: key.Id);
            }
        }

        throw KuzzleErrors.Security.Token.Invalid.Create();
    }

    private async ValueTask RemoveAsync(ApiKey key, long? version, CancellationToken cancellationToken)
    {
        try
        {
            await TokenService.GuardAsync(_documents.DeleteAsync(Collection, key.Id, version, cancellationToken)).ConfigureAwait(false);
        }
        catch (DocumentNotFoundException)
        {
            // Deleted concurrently: the key is gone either way.
        }

        if (TokenHash.TryParse(key.Fingerprint, out var hash))
        {
            await _tokens.InvalidateAsync(hash, cancellationToken).ConfigureAwait(false);
        }
    }

    private static ApiKey Read(StoredDocument stored)
    {
        var doc = JsonSerializer.Deserialize(stored.Json, TokenJsonContext.Default.ApiKeyDocument)
            ?? throw new InvalidOperationException($"API key \"{stored.Id}\" is malformed.");
        return new ApiKey(stored.Id, doc.Description, doc.ExpiresAt, doc.Fingerprint, doc.Ttl, doc.UserId);
    }
}

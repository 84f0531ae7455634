using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Storage;

namespace Kuzzle.Realtime.Security.Store;

/// <summary>
/// Users in the <c>users</c> collection (security.md §1.1, §5.1), one <c>profileIds</c> term per profile. The anonymous user
/// (<c>-1</c>) lives in memory only. Credentials are not here: strategies own them.
/// </summary>
public sealed class UserRepository
{
    private static readonly string[] Adjectives =
        ["pensive", "brave", "calm", "eager", "gentle", "happy", "jolly", "keen", "lucid", "merry", "nimble", "quiet", "sharp", "witty"];

    private static readonly string[] Names =
        ["einstein", "curie", "turing", "lovelace", "hopper", "darwin", "newton", "tesla", "noether", "pascal", "euler", "gauss"];

    private readonly IDocumentStore _documents;
    private readonly SecurityChangeFeed _changes;
    private readonly TimeProvider _time;

    public UserRepository(IDocumentStore documents, SecurityChangeFeed changes, TimeProvider time)
    {
        _documents = documents;
        _changes = changes;
        _time = time;
    }

    /// <summary>The in-memory anonymous user as the API returns it.</summary>
    public static SecurityDocument Anonymous { get; } =
        new(BuiltInSecurity.AnonymousKuid, JsonNode.Parse(BuiltInSecurity.AnonymousUser.Content.GetRawText())!.AsObject(), 0);

    /// <summary>The user (<c>-1</c>/<c>anonymous</c> ⇒ the anonymous user), or null.</summary>
    public async Task<SecurityDocument?> FindAsync(string kuid, CancellationToken cancellationToken = default)
    {
        if (BuiltInSecurity.IsAnonymousUserId(kuid))
        {
            return Anonymous;
        }

        var stored = await _documents.FindAsync(SecurityCollections.Users, kuid, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : SecurityDocument.From(stored);
    }

    /// <summary>
    /// getUser, and the auth controller's way to load a user as <c>{_id,_source}</c> (<see cref="SecurityDocument.ToJson"/>):
    /// 404 <c>security.user.not_found</c> when absent.
    /// </summary>
    public async Task<SecurityDocument> GetAsync(string kuid, CancellationToken cancellationToken = default) =>
        await FindAsync(kuid, cancellationToken).ConfigureAwait(false) ?? throw KuzzleErrors.Security.User.NotFound.Create(kuid);

    /// <summary>mGetUsers: unknown ids are skipped.</summary>
    public async Task<IReadOnlyList<SecurityDocument>> GetManyAsync(IReadOnlyList<string> kuids, CancellationToken cancellationToken = default) =>
        [.. (await _documents.FindManyAsync(SecurityCollections.Users, kuids, cancellationToken).ConfigureAwait(false)).Select(SecurityDocument.From)];

    /// <summary>The user model (rights); null when absent. The anonymous user is answered from memory.</summary>
    public async ValueTask<User?> LoadAsync(string kuid, CancellationToken cancellationToken = default)
    {
        if (kuid == BuiltInSecurity.AnonymousKuid)
        {
            return BuiltInSecurity.AnonymousUser;
        }

        var document = await FindAsync(kuid, cancellationToken).ConfigureAwait(false);
        return document is null ? null : SecurityErrors.Parse(() => User.Parse(kuid, document.SourceElement()));
    }

    /// <summary>Every user in id order.</summary>
    public Task<IReadOnlyList<SecurityDocument>> ListAllAsync(CancellationToken cancellationToken = default) =>
        DocumentLists.AllAsync(_documents, SecurityCollections.Users, cancellationToken);

    /// <summary>Whether a stored user holds the <c>admin</c> profile (createFirstAdmin, server:adminExists).</summary>
    public async Task<bool> AdminExistsAsync(CancellationToken cancellationToken = default) =>
        await _documents.CountByTermAsync(SecurityCollections.Users, SecurityCollections.ProfileIdsTerm, BuiltInSecurity.AdminId, cancellationToken).ConfigureAwait(false) > 0;

    /// <summary>Whether a stored user has this kuid.</summary>
    public async Task<bool> ExistsAsync(string kuid, CancellationToken cancellationToken = default) =>
        await _documents.FindAsync(SecurityCollections.Users, kuid, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>A new kuid: <c>kuid-&lt;adjective&gt;-&lt;name&gt;-&lt;n&gt;</c>, or <c>kuid-&lt;uuid&gt;</c> when <paramref name="mode"/> is <c>uuid</c>.</summary>
    public static string GenerateKuid(string? mode) =>
        mode == "uuid"
            ? "kuid-" + Guid.NewGuid().ToString("D")
            : $"kuid-{Adjectives[RandomNumberGenerator.GetInt32(Adjectives.Length)]}-{Names[RandomNumberGenerator.GetInt32(Names.Length)]}-{RandomNumberGenerator.GetInt32(100_001)}";

    /// <summary>
    /// createUser (and friends): validates <paramref name="content"/> (profileIds array, non-empty, existing profiles) and stores it.
    /// Existing kuid ⇒ 412 <c>security.user.already_exists</c>.
    /// </summary>
    /// <param name="kuid">The user id.</param>
    /// <param name="content">User content: <c>profileIds</c> and free keys.</param>
    /// <param name="caller">The caller's kuid (<c>_kuzzle_info.author</c>).</param>
    /// <param name="profileIdsArgument">Argument name used in errors (e.g. <c>body.content.profileIds</c>).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task<SecurityDocument> CreateAsync(
        string kuid, JsonElement content, string? caller, string profileIdsArgument = "profileIds", CancellationToken cancellationToken = default)
    {
        var user = await ValidateAsync(kuid, content, profileIdsArgument, cancellationToken).ConfigureAwait(false);
        var source = KuzzleInfo.With(ToObject(content), KuzzleInfo.Created(caller, _time.GetUtcNow().ToUnixTimeMilliseconds()));
        StoredDocument stored;
        try
        {
            stored = await _documents.CreateAsync(SecurityCollections.Users, kuid, source.ToJsonString(), Terms(user.ProfileIds), cancellationToken).ConfigureAwait(false);
        }
        catch (DocumentExistsException)
        {
            throw KuzzleErrors.Security.User.AlreadyExists.Create(kuid);
        }

        await _changes.PublishAsync(new(SecurityChangeKind.User, kuid), cancellationToken).ConfigureAwait(false);
        return SecurityDocument.From(stored);
    }

    /// <summary>replaceUser: the content becomes exactly <paramref name="content"/>; the user must exist.</summary>
    public async Task<SecurityDocument> ReplaceAsync(string kuid, JsonElement content, string? caller, CancellationToken cancellationToken = default)
    {
        var user = await ValidateAsync(kuid, content, "profileIds", cancellationToken).ConfigureAwait(false);
        var stored = await OptimisticWrite.UpdateAsync(
            _documents,
            SecurityCollections.Users,
            kuid,
            10,
            () => KuzzleErrors.Security.User.NotFound.Create(kuid),
            _ => Task.FromResult<(string, IReadOnlyCollection<IndexTerm>?)>(
                (KuzzleInfo.With(ToObject(content), KuzzleInfo.Replaced(caller, _time.GetUtcNow().ToUnixTimeMilliseconds())).ToJsonString(), Terms(user.ProfileIds))),
            cancellationToken).ConfigureAwait(false);
        await _changes.PublishAsync(new(SecurityChangeKind.User, kuid), cancellationToken).ConfigureAwait(false);
        return SecurityDocument.From(stored);
    }

    /// <summary>
    /// updateUser: top-level keys of <paramref name="changes"/> replace the stored ones (<c>profileIds</c> replaces the list and is
    /// validated); retried on conflict so concurrent updates all land.
    /// </summary>
    public Task<SecurityDocument> UpdateAsync(
        string kuid, JsonElement changes, string? caller, int retryOnConflict = 10, CancellationToken cancellationToken = default) =>
        MergeAsync(kuid, changes, caller, retryOnConflict, allowProfileIds: true, cancellationToken);

    /// <summary>
    /// auth:updateSelf semantics for the auth controller: a shallow merge of <paramref name="changes"/> into the user's content,
    /// <c>_kuzzle_info.updatedAt/updater</c> set. <c>profileIds</c> and <c>_id</c> ⇒ 400 <c>api.assert.forbidden_argument</c>.
    /// </summary>
    public Task<SecurityDocument> UpdateSelfAsync(string kuid, JsonElement changes, CancellationToken cancellationToken = default)
    {
        foreach (var forbidden in new[] { "profileIds", "_id" })
        {
            if (changes.ValueKind == JsonValueKind.Object && changes.TryGetProperty(forbidden, out _))
            {
                throw KuzzleErrors.Api.Assert.ForbiddenArgument.Create("body." + forbidden);
            }
        }

        return MergeAsync(kuid, changes, kuid, 10, allowProfileIds: false, cancellationToken);
    }

    /// <summary>deleteUser's document part: 404 when unknown.</summary>
    public async Task DeleteAsync(string kuid, CancellationToken cancellationToken = default)
    {
        if (!await _documents.DeleteAsync(SecurityCollections.Users, kuid, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            throw KuzzleErrors.Security.User.NotFound.Create(kuid);
        }

        await _changes.PublishAsync(new(SecurityChangeKind.User, kuid), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The lookup terms of a user document: one <c>profileIds</c> term per profile.</summary>
    public static IReadOnlyCollection<IndexTerm> Terms(IEnumerable<string> profileIds) =>
        [.. profileIds.Distinct(StringComparer.Ordinal).Select(p => new IndexTerm(SecurityCollections.ProfileIdsTerm, p))];

    private async Task<SecurityDocument> MergeAsync(
        string kuid, JsonElement changes, string? caller, int retryOnConflict, bool allowProfileIds, CancellationToken cancellationToken)
    {
        if (changes.ValueKind != JsonValueKind.Object)
        {
            throw KuzzleErrors.Api.Assert.BodyRequired.Create();
        }

        if (allowProfileIds && changes.TryGetProperty("profileIds", out var profileIds)
            && profileIds.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null))
        {
            throw KuzzleErrors.Api.Assert.InvalidType.Create("body.profileIds", "array");
        }

        var stored = await OptimisticWrite.UpdateAsync(
            _documents,
            SecurityCollections.Users,
            kuid,
            retryOnConflict,
            () => KuzzleErrors.Security.User.NotFound.Create(kuid),
            async current =>
            {
                var previous = JsonNode.Parse(current.Json)!.AsObject();
                var merged = previous.DeepClone().AsObject();
                foreach (var property in changes.EnumerateObject())
                {
                    if (property.Name == "profileIds" && property.Value.ValueKind == JsonValueKind.Null)
                    {
                        continue; // A null list keeps the current one.
                    }

                    if (property.Name != KuzzleInfo.Key)
                    {
                        merged[property.Name] = JsonNode.Parse(property.Value.GetRawText());
                    }
                }

                merged.Remove(KuzzleInfo.Key);
                var element = JsonSerializer.SerializeToElement(merged, StoreJsonContext.Default.JsonObject);
                var user = await ValidateAsync(kuid, element, "profileIds", cancellationToken).ConfigureAwait(false);
                var info = KuzzleInfo.Updated(previous[KuzzleInfo.Key] as JsonObject, caller, _time.GetUtcNow().ToUnixTimeMilliseconds());
                return (KuzzleInfo.With(merged, info).ToJsonString(), Terms(user.ProfileIds));
            },
            cancellationToken).ConfigureAwait(false);
        await _changes.PublishAsync(new(SecurityChangeKind.User, kuid), cancellationToken).ConfigureAwait(false);
        return SecurityDocument.From(stored);
    }

    private async Task<User> ValidateAsync(string kuid, JsonElement content, string profileIdsArgument, CancellationToken cancellationToken)
    {
        var user = SecurityErrors.Parse(() => User.Parse(kuid, content, null, profileIdsArgument));
        var existing = (await _documents.FindManyAsync(SecurityCollections.Profiles, [.. user.ProfileIds], cancellationToken).ConfigureAwait(false))
            .Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var missing = user.ProfileIds.FirstOrDefault(p => !existing.Contains(p));
        return missing is null ? user : throw KuzzleErrors.Security.Profile.NotFound.Create(missing);
    }

    private static JsonObject ToObject(JsonElement content) => JsonNode.Parse(content.GetRawText())!.AsObject();
}

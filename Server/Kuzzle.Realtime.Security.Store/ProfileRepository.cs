using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Storage;

namespace Kuzzle.Realtime.Security.Store;

/// <summary>
/// Profiles in the <c>profiles</c> collection (security.md §1.2, §5.2). Each stored profile carries one
/// <c>policies.roleId</c> term per role, so "is this role in use" is a term count.
/// </summary>
public sealed class ProfileRepository
{
    private readonly IDocumentStore _documents;
    private readonly SecurityChangeFeed _changes;
    private readonly TimeProvider _time;

    public ProfileRepository(IDocumentStore documents, SecurityChangeFeed changes, TimeProvider time)
    {
        _documents = documents;
        _changes = changes;
        _time = time;
    }

    /// <summary>The stored profile, or null.</summary>
    public async Task<SecurityDocument?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        var stored = await _documents.FindAsync(SecurityCollections.Profiles, id, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : SecurityDocument.From(stored);
    }

    /// <summary>getProfile: 404 <c>security.profile.not_found</c> when absent.</summary>
    public async Task<SecurityDocument> GetAsync(string id, CancellationToken cancellationToken = default) =>
        await FindAsync(id, cancellationToken).ConfigureAwait(false) ?? throw KuzzleErrors.Security.Profile.NotFound.Create(id);

    /// <summary>mGetProfiles: every id must exist.</summary>
    public async Task<IReadOnlyList<SecurityDocument>> GetManyAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        var found = (await _documents.FindManyAsync(SecurityCollections.Profiles, ids, cancellationToken).ConfigureAwait(false))
            .ToDictionary(d => d.Id, SecurityDocument.From, StringComparer.Ordinal);
        var missing = ids.FirstOrDefault(id => !found.ContainsKey(id));
        return missing is not null ? throw KuzzleErrors.Security.Profile.NotFound.Create(missing) : [.. ids.Distinct(StringComparer.Ordinal).Select(id => found[id])];
    }

    /// <summary>The profile model (rights evaluation); null when absent.</summary>
    public async ValueTask<Profile?> LoadAsync(string id, CancellationToken cancellationToken = default)
    {
        var document = await FindAsync(id, cancellationToken).ConfigureAwait(false);
        return document is null ? null : SecurityErrors.Parse(() => Profile.Parse(id, document.SourceElement()));
    }

    /// <summary>Which of <paramref name="ids"/> exist.</summary>
    public async Task<HashSet<string>> ExistingAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default) =>
        [.. (await _documents.FindManyAsync(SecurityCollections.Profiles, ids, cancellationToken).ConfigureAwait(false)).Select(d => d.Id)];

    /// <summary>Every profile in id order.</summary>
    public Task<IReadOnlyList<SecurityDocument>> ListAllAsync(CancellationToken cancellationToken = default) =>
        DocumentLists.AllAsync(_documents, SecurityCollections.Profiles, cancellationToken);

    /// <summary>createProfile / createOrReplaceProfile.</summary>
    public Task<SecurityDocument> CreateAsync(
        string id, JsonElement body, string? caller, bool replace, CancellationToken cancellationToken = default) =>
        CreateAsync(id, body, caller, replace, strict: false, cancellationToken);

    /// <summary>
    /// createProfile / createOrReplaceProfile. <paramref name="strict"/>: every restricted index must exist
    /// (412 <c>services.storage.unknown_index</c>).
    /// </summary>
    public async Task<SecurityDocument> CreateAsync(
        string id, JsonElement body, string? caller, bool replace, bool strict, CancellationToken cancellationToken = default)
    {
        var (content, terms) = await ValidateAsync(id, body, strict, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var source = KuzzleInfo.With(content, replace ? KuzzleInfo.Replaced(caller, now) : KuzzleInfo.Created(caller, now)).ToJsonString();
        StoredDocument stored;
        try
        {
            stored = replace
                ? await _documents.ReplaceAsync(SecurityCollections.Profiles, id, source, terms: terms, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await _documents.CreateAsync(SecurityCollections.Profiles, id, source, terms, cancellationToken).ConfigureAwait(false);
        }
        catch (DocumentExistsException)
        {
            throw KuzzleErrors.Services.Storage.DocumentAlreadyExists.Create();
        }

        await _changes.PublishAsync(new(SecurityChangeKind.Profile, id), cancellationToken).ConfigureAwait(false);
        return SecurityDocument.From(stored);
    }

    /// <summary>updateProfile: top-level keys of <paramref name="body"/> replace the stored ones; the result is validated as a whole.</summary>
    public Task<SecurityDocument> UpdateAsync(
        string id, JsonElement body, string? caller, int retryOnConflict, CancellationToken cancellationToken = default) =>
        UpdateAsync(id, body, caller, retryOnConflict, strict: false, cancellationToken);

    /// <summary>updateProfile; <paramref name="strict"/> as for <see cref="CreateAsync(string, JsonElement, string?, bool, bool, CancellationToken)"/>.</summary>
    public async Task<SecurityDocument> UpdateAsync(
        string id, JsonElement body, string? caller, int retryOnConflict, bool strict, CancellationToken cancellationToken = default)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw KuzzleErrors.Api.Assert.BodyRequired.Create();
        }

        var stored = await OptimisticWrite.UpdateAsync(
            _documents,
            SecurityCollections.Profiles,
            id,
            retryOnConflict,
            () => KuzzleErrors.Security.Profile.NotFound.Create(id),
            async current =>
            {
                var previous = JsonNode.Parse(current.Json)!.AsObject();
                var merged = previous.DeepClone().AsObject();
                foreach (var property in body.EnumerateObject())
                {
                    merged[property.Name] = JsonNode.Parse(property.Value.GetRawText());
                }

                var element = JsonSerializer.SerializeToElement(merged, StoreJsonContext.Default.JsonObject);
                var (content, terms) = await ValidateAsync(id, element, strict, cancellationToken).ConfigureAwait(false);
                var info = KuzzleInfo.Updated(previous[KuzzleInfo.Key] as JsonObject, caller, _time.GetUtcNow().ToUnixTimeMilliseconds());
                return (KuzzleInfo.With(content, info).ToJsonString(), terms);
            },
            cancellationToken).ConfigureAwait(false);
        await _changes.PublishAsync(new(SecurityChangeKind.Profile, id), cancellationToken).ConfigureAwait(false);
        return SecurityDocument.From(stored);
    }

    /// <summary>
    /// deleteProfile: built-ins are protected (400); a profile some user holds is in use (412) unless
    /// <paramref name="removeFromUsers"/>, which takes it out of every user (users left without profile get <c>anonymous</c>).
    /// </summary>
    public async Task DeleteAsync(string id, bool removeFromUsers, string? caller, CancellationToken cancellationToken = default)
    {
        if (BuiltInSecurity.ProtectedIds.Contains(id))
        {
            throw KuzzleErrors.Security.Profile.CannotDelete.Create();
        }

        _ = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        var holders = await _documents.CountByTermAsync(SecurityCollections.Users, SecurityCollections.ProfileIdsTerm, id, cancellationToken).ConfigureAwait(false);
        if (holders > 0 && !removeFromUsers)
        {
            throw KuzzleErrors.Security.Profile.InUse.Create(id);
        }

        while (removeFromUsers)
        {
            var page = await _documents.FindByTermAsync(SecurityCollections.Users, SecurityCollections.ProfileIdsTerm, id, 0, 100, cancellationToken).ConfigureAwait(false);
            if (page.Items.Count == 0)
            {
                break;
            }

            foreach (var user in page.Items)
            {
                await RemoveFromUserAsync(user.Id, id, caller, cancellationToken).ConfigureAwait(false);
            }
        }

        await _documents.DeleteAsync(SecurityCollections.Profiles, id, cancellationToken: cancellationToken).ConfigureAwait(false);
        await _changes.PublishAsync(new(SecurityChangeKind.Profile, id), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Bootstrap and §2.2: writes a built-in profile as a whole.</summary>
    internal async Task WriteBuiltInAsync(string id, string json, bool onlyIfMissing, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(json);
        var element = document.RootElement;
        var (content, terms) = Normalize(SecurityErrors.Parse(() => Profile.Parse(id, element)), element);
        var source = KuzzleInfo.With(content, KuzzleInfo.Replaced(null, _time.GetUtcNow().ToUnixTimeMilliseconds())).ToJsonString();
        if (onlyIfMissing)
        {
            try
            {
                await _documents.CreateAsync(SecurityCollections.Profiles, id, source, terms, cancellationToken).ConfigureAwait(false);
            }
            catch (DocumentExistsException)
            {
                return;
            }
        }
        else
        {
            await _documents.ReplaceAsync(SecurityCollections.Profiles, id, source, terms: terms, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await _changes.PublishAsync(new(SecurityChangeKind.Profile, id), cancellationToken).ConfigureAwait(false);
    }

    private async Task RemoveFromUserAsync(string kuid, string profileId, string? caller, CancellationToken cancellationToken)
    {
        await OptimisticWrite.UpdateAsync(
            _documents,
            SecurityCollections.Users,
            kuid,
            10,
            () => KuzzleErrors.Security.User.NotFound.Create(kuid),
            current =>
            {
                var source = JsonNode.Parse(current.Json)!.AsObject();
                var left = (source["profileIds"] as JsonArray ?? []).Select(p => p?.GetValue<string>()).OfType<string>().Where(p => p != profileId).ToList();
                if (left.Count == 0)
                {
                    left.Add(BuiltInSecurity.AnonymousId);
                }

                source["profileIds"] = new JsonArray([.. left.Select(p => (JsonNode)JsonValue.Create(p))]);
                source[KuzzleInfo.Key] = KuzzleInfo.Updated(source[KuzzleInfo.Key] as JsonObject, caller, _time.GetUtcNow().ToUnixTimeMilliseconds());
                return Task.FromResult<(string, IReadOnlyCollection<IndexTerm>?)>((source.ToJsonString(), UserRepository.Terms(left)));
            },
            cancellationToken).ConfigureAwait(false);
        await _changes.PublishAsync(new(SecurityChangeKind.User, kuid), cancellationToken).ConfigureAwait(false);
    }

    // Role existence is checked before the shape (Kuzzle's order), so the referenced roles are fetched first.
    private async Task<(JsonObject Content, IReadOnlyCollection<IndexTerm> Terms)> ValidateAsync(
        string id, JsonElement body, bool strict, CancellationToken cancellationToken)
    {
        var roleIds = new List<string>();
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("policies", out var policies) && policies.ValueKind == JsonValueKind.Array)
        {
            foreach (var policy in policies.EnumerateArray())
            {
                if (policy.ValueKind == JsonValueKind.Object && policy.TryGetProperty("roleId", out var roleId) && roleId.ValueKind == JsonValueKind.String)
                {
                    roleIds.Add(roleId.GetString()!);
                }
            }
        }

        HashSet<string> existing = roleIds.Count == 0
            ? []
            : [.. (await _documents.FindManyAsync(SecurityCollections.Roles, roleIds, cancellationToken).ConfigureAwait(false)).Select(d => d.Id)];
        var profile = SecurityErrors.Parse(() => Profile.Parse(id, body, existing.Contains));

        // This server stores no documents, so no index exists: strict refuses any restriction, as Kuzzle does for an index it lacks.
        if (strict && profile.Policies.SelectMany(p => p.RestrictedTo ?? []).FirstOrDefault() is { } restriction)
        {
            throw KuzzleErrors.Services.Storage.UnknownIndex.Create(restriction.Index);
        }

        return Normalize(profile, body);
    }

    // Stored as Kuzzle stores it: defaulted policies, rateLimit always present.
    private static (JsonObject, IReadOnlyCollection<IndexTerm>) Normalize(Profile profile, JsonElement body)
    {
        var content = JsonNode.Parse(body.GetRawText())!.AsObject();
        if (content["policies"] is not JsonArray { Count: > 0 })
        {
            content["policies"] = new JsonArray(new JsonObject { ["roleId"] = BuiltInSecurity.DefaultId });
        }

        content["rateLimit"] = profile.RateLimit;
        var terms = profile.Policies.Select(p => new IndexTerm(SecurityCollections.RoleIdTerm, p.RoleId)).Distinct().ToList();
        return (content, terms);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Storage;

namespace Kuzzle.Realtime.Security.Store;

/// <summary>
/// Roles in the <c>roles</c> collection (security.md §1.3, §5.3). Every write is validated with <see cref="Role.Parse"/>,
/// announced through <see cref="SecurityChangeFeed"/> and returns the stored document.
/// </summary>
public sealed class RoleRepository
{
    private readonly IDocumentStore _documents;
    private readonly SecurityChangeFeed _changes;
    private readonly TimeProvider _time;
    private readonly IReadOnlyDictionary<string, IReadOnlySet<string>> _knownControllers;

    /// <param name="documents">The shared document store.</param>
    /// <param name="changes">Where writes are announced.</param>
    /// <param name="time">Clock of <c>_kuzzle_info</c>.</param>
    /// <param name="knownControllers">Non-native controllers this server serves (plugins), with their actions.</param>
    public RoleRepository(
        IDocumentStore documents,
        SecurityChangeFeed changes,
        TimeProvider time,
        IReadOnlyDictionary<string, IReadOnlySet<string>>? knownControllers = null)
    {
        _documents = documents;
        _changes = changes;
        _time = time;
        _knownControllers = knownControllers ?? new Dictionary<string, IReadOnlySet<string>>();
    }

    /// <summary>The stored role, or null.</summary>
    public async Task<SecurityDocument?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        var stored = await _documents.FindAsync(SecurityCollections.Roles, id, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : SecurityDocument.From(stored);
    }

    /// <summary>getRole: 404 <c>security.role.not_found</c> when absent.</summary>
    public async Task<SecurityDocument> GetAsync(string id, CancellationToken cancellationToken = default) =>
        await FindAsync(id, cancellationToken).ConfigureAwait(false) ?? throw KuzzleErrors.Security.Role.NotFound.Create(id);

    /// <summary>mGetRoles: every id must exist (404 on the first missing one).</summary>
    public async Task<IReadOnlyList<SecurityDocument>> GetManyAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        var found = (await _documents.FindManyAsync(SecurityCollections.Roles, ids, cancellationToken).ConfigureAwait(false))
            .ToDictionary(d => d.Id, SecurityDocument.From, StringComparer.Ordinal);
        var missing = ids.FirstOrDefault(id => !found.ContainsKey(id));
        return missing is not null ? throw KuzzleErrors.Security.Role.NotFound.Create(missing) : [.. ids.Distinct(StringComparer.Ordinal).Select(id => found[id])];
    }

    /// <summary>The role model of a stored role (rights evaluation); null when absent. Stored roles are trusted: no existence checks.</summary>
    public async ValueTask<Role?> LoadAsync(string id, CancellationToken cancellationToken = default)
    {
        var document = await FindAsync(id, cancellationToken).ConfigureAwait(false);
        return document is null ? null : SecurityErrors.Parse(() => Role.Parse(id, document.SourceElement()));
    }

    /// <summary>Which of <paramref name="ids"/> exist.</summary>
    public async Task<HashSet<string>> ExistingAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default) =>
        [.. (await _documents.FindManyAsync(SecurityCollections.Roles, ids, cancellationToken).ConfigureAwait(false)).Select(d => d.Id)];

    /// <summary>Every role in id order (searchRoles evaluates over them).</summary>
    public Task<IReadOnlyList<SecurityDocument>> ListAllAsync(CancellationToken cancellationToken = default) =>
        DocumentLists.AllAsync(_documents, SecurityCollections.Roles, cancellationToken);

    /// <summary>createRole (<paramref name="replace"/> false: existing id ⇒ <c>services.storage.document_already_exists</c>) or createOrReplaceRole.</summary>
    public async Task<SecurityDocument> CreateAsync(
        string id, JsonElement body, string? caller, bool force, bool replace, CancellationToken cancellationToken = default)
    {
        var content = Validate(id, body, force);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var source = KuzzleInfo.With(content, replace ? KuzzleInfo.Replaced(caller, now) : KuzzleInfo.Created(caller, now));
        StoredDocument stored;
        try
        {
            stored = replace
                ? await _documents.ReplaceAsync(SecurityCollections.Roles, id, source.ToJsonString(), cancellationToken: cancellationToken).ConfigureAwait(false)
                : await _documents.CreateAsync(SecurityCollections.Roles, id, source.ToJsonString(), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (DocumentExistsException)
        {
            throw KuzzleErrors.Services.Storage.DocumentAlreadyExists.Create();
        }

        await _changes.PublishAsync(new(SecurityChangeKind.Role, id), cancellationToken).ConfigureAwait(false);
        return SecurityDocument.From(stored);
    }

    /// <summary>updateRole: a full replace of an existing role (404 <c>services.storage.not_found</c> when absent).</summary>
    public async Task<SecurityDocument> UpdateAsync(
        string id, JsonElement body, string? caller, bool force, int retryOnConflict, CancellationToken cancellationToken = default)
    {
        var content = Validate(id, body, force);
        var stored = await OptimisticWrite.UpdateAsync(
            _documents,
            SecurityCollections.Roles,
            id,
            retryOnConflict,
            () => KuzzleErrors.Services.Storage.NotFound.Create(id, "kuzzle", SecurityCollections.Roles),
            _ => Task.FromResult<(string, IReadOnlyCollection<IndexTerm>?)>(
                (KuzzleInfo.With(content, KuzzleInfo.Replaced(caller, _time.GetUtcNow().ToUnixTimeMilliseconds())).ToJsonString(), null)),
            cancellationToken).ConfigureAwait(false);
        await _changes.PublishAsync(new(SecurityChangeKind.Role, id), cancellationToken).ConfigureAwait(false);
        return SecurityDocument.From(stored);
    }

    /// <summary>deleteRole: built-ins are protected (400), a role some profile uses is in use (412), unknown ⇒ 404.</summary>
    public async Task DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        if (BuiltInSecurity.ProtectedIds.Contains(id))
        {
            throw KuzzleErrors.Security.Role.CannotDelete.Create();
        }

        _ = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (await _documents.CountByTermAsync(SecurityCollections.Profiles, SecurityCollections.RoleIdTerm, id, cancellationToken).ConfigureAwait(false) > 0)
        {
            throw KuzzleErrors.Security.Role.InUse.Create(id);
        }

        // WARNING: a profile created between the count and the delete could reference this role; profiles whose role vanished
        // fail to compile (security.profile.cannot_hydrate) rather than grant anything.
        await _documents.DeleteAsync(SecurityCollections.Roles, id, cancellationToken: cancellationToken).ConfigureAwait(false);
        await _changes.PublishAsync(new(SecurityChangeKind.Role, id), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Bootstrap and §2.2: writes a built-in role as a whole.</summary>
    internal async Task WriteBuiltInAsync(string id, string json, bool onlyIfMissing, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var source = KuzzleInfo.With(JsonNode.Parse(json)!.AsObject(), KuzzleInfo.Replaced(null, now)).ToJsonString();
        if (onlyIfMissing)
        {
            try
            {
                await _documents.CreateAsync(SecurityCollections.Roles, id, source, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (DocumentExistsException)
            {
                return; // Another node (or an earlier start) seeded it.
            }
        }
        else
        {
            await _documents.ReplaceAsync(SecurityCollections.Roles, id, source, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await _changes.PublishAsync(new(SecurityChangeKind.Role, id), cancellationToken).ConfigureAwait(false);
    }

    private JsonObject Validate(string id, JsonElement body, bool force)
    {
        SecurityErrors.Parse(() => Role.Parse(id, body, _knownControllers, force));
        return JsonNode.Parse(body.GetRawText())!.AsObject();
    }
}

/// <summary>Reads whole security collections page by page.</summary>
internal static class DocumentLists
{
    private const int PageSize = 500;

    public static async Task<IReadOnlyList<SecurityDocument>> AllAsync(IDocumentStore documents, string collection, CancellationToken cancellationToken)
    {
        var all = new List<SecurityDocument>();
        while (true)
        {
            var page = await documents.ListAsync(collection, all.Count, PageSize, cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Items.Select(SecurityDocument.From));
            if (page.Items.Count < PageSize)
            {
                return all;
            }
        }
    }
}

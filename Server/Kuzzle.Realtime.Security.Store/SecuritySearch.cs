using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Security.Store.Search;
using Kuzzle.Realtime.Storage;

namespace Kuzzle.Realtime.Security.Store;

/// <summary>searchUsers / searchProfiles / searchRoles and their scrolls (security.md §7), evaluated over the stored documents.</summary>
public sealed class SecuritySearch
{
    private const string ScrollKeyId = "scroll-key";

    private readonly IDocumentStore _documents;
    private readonly SecurityMappings _mappings;
    private readonly TimeProvider _time;
    private byte[]? _scrollKey;

    public SecuritySearch(IDocumentStore documents, SecurityMappings mappings, TimeProvider time)
    {
        _documents = documents;
        _mappings = mappings;
        _time = time;
    }

    /// <summary>Checks <c>from</c>/<c>size</c> against the 10000 documents limit (413 <c>services.storage.get_limit_exceeded</c>).</summary>
    public static void CheckPage(long from, long size)
    {
        if (from < 0 || size < 0)
        {
            throw KuzzleErrors.Api.Assert.InvalidArgument.Create(from < 0 ? "from" : "size", "positive integer, or zero");
        }

        if (size > SecurityCollections.MaxFetch || from + size > SecurityCollections.MaxFetch)
        {
            throw KuzzleErrors.Services.Storage.GetLimitExceeded.Create();
        }
    }

    /// <summary>
    /// Runs a search body over a security collection: <c>{hits:[{_id,_source}], total}</c>, plus <c>scrollId</c> when
    /// <paramref name="scroll"/> is given (the next page starts after this one).
    /// </summary>
    public async Task<JsonObject> SearchAsync(
        string collection, JsonElement body, bool koncorde, int from, int size, TimeSpan? scroll, CancellationToken cancellationToken = default)
    {
        CheckPage(from, size);
        var query = SearchQuery.Parse(body, koncorde, await _mappings.FieldsAsync(collection, cancellationToken).ConfigureAwait(false));
        var page = query.Run(await LoadAsync(collection, cancellationToken).ConfigureAwait(false), from, size);
        var result = Result(page);
        if (scroll is { } ttl)
        {
            var text = body.ValueKind == JsonValueKind.Object ? (koncorde ? Translated(body) : body.GetRawText()) : "{}";
            var expires = _time.GetUtcNow().Add(ttl).ToUnixTimeMilliseconds();
            result["scrollId"] = new ScrollCursor(collection, text, from + size, size, expires).Encode(await ScrollKeyAsync(cancellationToken).ConfigureAwait(false));
        }

        return result;
    }

    /// <summary>The next page of a scroll; the cursor is renewed for the default 15 s (Kuzzle ignores the <c>scroll</c> argument here).</summary>
    public async Task<JsonObject> ScrollAsync(string collection, string scrollId, CancellationToken cancellationToken = default)
    {
        var key = await ScrollKeyAsync(cancellationToken).ConfigureAwait(false);
        var cursor = ScrollCursor.Decode(scrollId, collection, key, _time.GetUtcNow().ToUnixTimeMilliseconds());
        using var body = JsonDocument.Parse(cursor.Body);
        var fields = await _mappings.FieldsAsync(collection, cancellationToken).ConfigureAwait(false);
        var page = SearchQuery.Parse(body.RootElement, mapping: fields).Run(await LoadAsync(collection, cancellationToken).ConfigureAwait(false), cursor.Offset, cursor.Size);

        // Kuzzle forgets a scroll once its last page was served: a cursor past the end is an unknown scroll id.
        if (cursor.Offset >= page.Total)
        {
            throw KuzzleErrors.Services.Storage.UnknownScrollId.Create();
        }

        var result = Result(page);
        var next = new ScrollCursor(collection, cursor.Body, cursor.Offset + cursor.Size, cursor.Size, _time.GetUtcNow().Add(ScrollCursor.DefaultDuration).ToUnixTimeMilliseconds());
        result["scrollId"] = next.Encode(key);
        return result;
    }

    /// <summary>searchRoles with <c>controllers</c> (§7.2): roles having a <c>*</c> controller or one of those; <c>[]</c> keeps all.</summary>
    public async Task<JsonObject> SearchRolesByControllersAsync(IReadOnlyCollection<string> controllers, int from, int size, CancellationToken cancellationToken = default)
    {
        CheckPage(from, size);
        var query = SearchQuery.From((_, source) =>
            controllers.Count == 0
            || (source["controllers"] is JsonObject c && c.Any(kv => kv.Key == "*" || controllers.Contains(kv.Key))));
        return Result(query.Run(await LoadAsync(SecurityCollections.Roles, cancellationToken).ConfigureAwait(false), from, size));
    }

    private static string Translated(JsonElement body)
    {
        var copy = JsonNode.Parse(body.GetRawText())!.AsObject();
        if (body.TryGetProperty("query", out var query))
        {
            copy["query"] = JsonNode.Parse(KoncordeTranslator.Translate(query).GetRawText());
        }

        return copy.ToJsonString();
    }

    private static JsonObject Result(SearchPage page) => new()
    {
        ["hits"] = new JsonArray([.. page.Hits.Select(h => (JsonNode)new JsonObject { ["_id"] = h.Id, ["_source"] = h.Source.DeepClone() })]),
        ["total"] = page.Total,
    };

    private async Task<IEnumerable<SearchDocument>> LoadAsync(string collection, CancellationToken cancellationToken) =>
        (await DocumentLists.AllAsync(_documents, collection, cancellationToken).ConfigureAwait(false)).Select(d => new SearchDocument(d.Id, d.Source));

    // One key for every node, created by whichever node needs it first.
    private async Task<byte[]> ScrollKeyAsync(CancellationToken cancellationToken)
    {
        if (_scrollKey is { } cached)
        {
            return cached;
        }

        var stored = await _documents.GetAsync(SecurityCollections.State, ScrollKeyId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            var fresh = new JsonObject { ["key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }.ToJsonString();
            try
            {
                stored = await _documents.CreateAsync(SecurityCollections.State, ScrollKeyId, fresh, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (DocumentExistsException)
            {
                stored = await _documents.GetAsync(SecurityCollections.State, ScrollKeyId, cancellationToken).ConfigureAwait(false);
            }
        }

        var key = Convert.FromBase64String(JsonNode.Parse(stored!.Json)!["key"]!.GetValue<string>());
        _scrollKey = key;
        return key;
    }
}

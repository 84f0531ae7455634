using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Errors;

namespace Kuzzle.Realtime.Security.Store.Search;

/// <summary>One document a search runs over.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Source">Its stored fields.</param>
public readonly record struct SearchDocument(string Id, JsonObject Source);

/// <summary>A page of results: matching documents of the page and the exact total.</summary>
public sealed record SearchPage(IReadOnlyList<SearchDocument> Hits, long Total);

/// <summary>
/// A parsed search body (security.md §7.1): the query compiled to a predicate, the sort and <c>search_after</c>, evaluated in
/// memory over stored JSON. Reusable for any small collection (roles, profiles, users, API keys by description).
/// </summary>
public sealed class SearchQuery
{
    private static readonly FrozenSet<string> AllowedKeys = new[]
    {
        "aggregations", "aggs", "collapse", "explain", "fields", "from", "highlight", "post_filter", "query", "search_after",
        "search_timeout", "size", "sort", "suggest", "_name", "_source", "_source_excludes", "_source_includes",
    }.ToFrozenSet(StringComparer.Ordinal);

    private readonly DocumentPredicate _predicate;
    private readonly IReadOnlyList<(string Field, bool Descending)> _sort;
    private readonly JsonElement[]? _searchAfter;

    private SearchQuery(DocumentPredicate predicate, IReadOnlyList<(string, bool)> sort, JsonElement[]? searchAfter)
    {
        _predicate = predicate;
        _sort = sort;
        _searchAfter = searchAfter;
    }

    /// <summary>Matches everything, id order.</summary>
    public static SearchQuery All { get; } = new(static (_, _) => true, [], null);

    /// <summary>
    /// Parses a search body. <paramref name="koncorde"/>: <c>query</c> is a Koncorde filter (<c>lang=koncorde</c>), translated first.
    /// Unknown top-level keys ⇒ <c>services.storage.invalid_search_query</c>. Clauses on fields <paramref name="mapping"/> does not make
    /// searchable match nothing (default: every field is searchable).
    /// </summary>
    public static SearchQuery Parse(JsonElement body, bool koncorde = false, FieldMapping? mapping = null)
    {
        if (body.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return All;
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            throw KuzzleErrors.Api.Assert.InvalidType.Create("body", "object");
        }

        JsonElement query = default;
        var sort = new List<(string, bool)>();
        JsonElement[]? searchAfter = null;
        foreach (var property in body.EnumerateObject())
        {
            if (!AllowedKeys.Contains(property.Name))
            {
                throw KuzzleErrors.Services.Storage.InvalidSearchQuery.Create(property.Name);
            }

            switch (property.Name)
            {
                case "query":
                    query = koncorde ? KoncordeTranslator.Translate(property.Value) : property.Value;
                    break;
                case "sort":
                    sort = ParseSort(property.Value);
                    break;
                case "search_after" when property.Value.ValueKind == JsonValueKind.Array:
                    searchAfter = [.. property.Value.EnumerateArray().Select(e => e.Clone())];
                    break;
            }
        }

        return new SearchQuery(QueryCompiler.Compile(query, mapping), sort, searchAfter);
    }

    /// <summary>A query from an already built predicate (e.g. searchRoles' <c>controllers</c> filter).</summary>
    public static SearchQuery From(DocumentPredicate predicate) => new(predicate, [], null);

    /// <summary>Filters, sorts (ties broken by id), applies <c>search_after</c>, then returns <paramref name="size"/> hits from <paramref name="from"/>.</summary>
    public SearchPage Run(IEnumerable<SearchDocument> documents, int from, int size)
    {
        var matching = documents.Where(d => _predicate(d.Id, d.Source)).ToList();
        matching.Sort(CompareDocuments);
        IEnumerable<SearchDocument> ordered = matching;
        if (_searchAfter is not null && _sort.Count > 0)
        {
            ordered = matching.Where(d => CompareToAfter(d) > 0);
        }

        return new SearchPage([.. ordered.Skip(from).Take(size)], matching.Count);
    }

    private int CompareDocuments(SearchDocument a, SearchDocument b)
    {
        foreach (var (field, descending) in _sort)
        {
            var c = CompareValues(First(a, field), First(b, field));
            if (c != 0)
            {
                return descending ? -c : c;
            }
        }

        return string.CompareOrdinal(a.Id, b.Id);
    }

    private int CompareToAfter(SearchDocument document)
    {
        for (var i = 0; i < _sort.Count && i < _searchAfter!.Length; i++)
        {
            var (field, descending) = _sort[i];
            var c = CompareValues(First(document, field), JsonNode.Parse(_searchAfter[i].GetRawText()));
            if (c != 0)
            {
                return descending ? -c : c;
            }
        }

        return 0;
    }

    private static JsonNode? First(SearchDocument document, string field) => QueryCompiler.Values(document.Id, document.Source, field).FirstOrDefault();

    // Missing values sort last; numbers before strings.
    private static int CompareValues(JsonNode? a, JsonNode? b)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : 1) : -1;
        }

        var aNumber = a is JsonValue av && av.GetValueKind() == JsonValueKind.Number;
        var bNumber = b is JsonValue bv && bv.GetValueKind() == JsonValueKind.Number;
        if (aNumber && bNumber)
        {
            return a.GetValue<double>().CompareTo(b.GetValue<double>());
        }

        return aNumber != bNumber ? (aNumber ? -1 : 1) : string.CompareOrdinal(QueryCompiler.ScalarKey(a), QueryCompiler.ScalarKey(b));
    }

    private static List<(string, bool)> ParseSort(JsonElement sort)
    {
        var items = sort.ValueKind == JsonValueKind.Array ? sort.EnumerateArray().ToList() : [sort];
        var result = new List<(string, bool)>();
        foreach (var item in items)
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                result.Add((item.GetString()!, false));
                continue;
            }

            if (item.ValueKind != JsonValueKind.Object)
            {
                throw KuzzleErrors.Services.Storage.InvalidSearchQuery.Create("sort");
            }

            foreach (var field in item.EnumerateObject())
            {
                var order = field.Value.ValueKind == JsonValueKind.Object && field.Value.TryGetProperty("order", out var o) ? o : field.Value;
                result.Add((field.Name, order.ValueKind == JsonValueKind.String && order.GetString() == "desc"));
            }
        }

        return result;
    }
}

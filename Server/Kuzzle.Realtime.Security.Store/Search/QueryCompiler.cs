using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Errors;

namespace Kuzzle.Realtime.Security.Store.Search;

/// <summary>A compiled query: does the document (id, source) match.</summary>
public delegate bool DocumentPredicate(string id, JsonObject source);

/// <summary>
/// Compiles the Elasticsearch query subset of security.md §7.1 into a predicate evaluated over stored JSON: <c>match_all</c>,
/// <c>term</c>, <c>terms</c>, <c>ids</c>, <c>bool</c> (must, filter, should, must_not, minimum_should_match), <c>match</c>
/// (lower-cased word tokens, <c>or</c>/<c>and</c>), <c>exists</c>, <c>range</c> (gt, gte, lt, lte). Arrays match when any
/// element does, as in Elasticsearch. Anything else ⇒ 400 <c>services.storage.unknown_query_keyword</c>.
/// </summary>
public static class QueryCompiler
{
    /// <summary>
    /// Compiles a query clause (<c>null</c>/undefined/<c>{}</c> ⇒ match everything). Clauses on fields that
    /// <paramref name="mapping"/> does not make searchable match nothing (default: every field is searchable).
    /// </summary>
    public static DocumentPredicate Compile(JsonElement query, FieldMapping? mapping = null)
    {
        mapping ??= FieldMapping.Everything;
        if (query.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return static (_, _) => true;
        }

        if (query.ValueKind != JsonValueKind.Object)
        {
            throw KuzzleErrors.Services.Storage.InvalidSearchQuery.Create("query");
        }

        var clauses = new List<DocumentPredicate>();
        foreach (var clause in query.EnumerateObject())
        {
            clauses.Add(CompileClause(clause.Name, clause.Value, mapping));
        }

        return clauses.Count switch
        {
            0 => static (_, _) => true,
            1 => clauses[0],
            _ => (id, source) => clauses.TrueForAll(c => c(id, source)),
        };
    }

    /// <summary>The values found at a dotted path (arrays flattened at every level); <c>_id</c> is the document id.</summary>
    public static IEnumerable<JsonNode> Values(string id, JsonObject source, string path)
    {
        if (path == "_id")
        {
            return [JsonValue.Create(id)];
        }

        IEnumerable<JsonNode?> current = [source];
        foreach (var segment in path.Split('.'))
        {
            current = current.SelectMany(node => Flatten(node is JsonObject o ? o[segment] : null));
        }

        return current.SelectMany(Flatten).OfType<JsonNode>();
    }

    /// <summary>A scalar's comparable text (strings as is, numbers in invariant form, booleans as <c>true</c>/<c>false</c>).</summary>
    public static string? ScalarKey(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>().ToString("R", CultureInfo.InvariantCulture),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValueKind() == JsonValueKind.True ? "true" : "false",
        _ => null,
    };

    private static string? ScalarKey(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetDouble().ToString("R", CultureInfo.InvariantCulture),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    private static IEnumerable<JsonNode?> Flatten(JsonNode? node) => node is JsonArray array ? array.SelectMany(Flatten) : [node];

    private static DocumentPredicate CompileClause(string keyword, JsonElement body, FieldMapping mapping) => keyword switch
    {
        "match_all" => static (_, _) => true,
        "match_none" => static (_, _) => false,
        "term" => Term(body, mapping),
        "terms" => Terms(body, mapping),
        "ids" => Ids(body),
        "bool" => Bool(body, mapping),
        "match" => Match(body, mapping),
        "exists" => Exists(body, mapping),
        "range" => Range(body, mapping),
        _ => throw KuzzleErrors.Services.Storage.UnknownQueryKeyword.Create(keyword),
    };

    // Checked after the clause itself, so a malformed clause on an unmapped field is still an error.
    private static DocumentPredicate OnlyIfSearchable(string field, FieldMapping mapping, DocumentPredicate predicate) =>
        mapping.IsSearchable(field) ? predicate : static (_, _) => false;

    private static (string Field, JsonElement Value) SingleField(string keyword, JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw KuzzleErrors.Services.Storage.InvalidSearchQuery.Create(keyword);
        }

        var fields = body.EnumerateObject().ToList();
        return fields.Count == 1 ? (fields[0].Name, fields[0].Value) : throw KuzzleErrors.Services.Storage.InvalidSearchQuery.Create(keyword);
    }

    private static DocumentPredicate Term(JsonElement body, FieldMapping mapping)
    {
        var (field, value) = SingleField("term", body);
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("value", out var inner))
        {
            value = inner;
        }

        var expected = ScalarKey(value) ?? throw KuzzleErrors.Services.Storage.InvalidSearchQuery.Create("term." + field);
        return OnlyIfSearchable(field, mapping, (id, source) => Values(id, source, field).Any(v => ScalarKey(v) == expected));
    }

    private static DocumentPredicate Terms(JsonElement body, FieldMapping mapping)
    {
        var (field, value) = SingleField("terms", body);
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw KuzzleErrors.Services.Storage.InvalidSearchQuery.Create("terms." + field);
        }

        var expected = value.EnumerateArray().Select(ScalarKey).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return OnlyIfSearchable(field, mapping, (id, source) => Values(id, source, field).Any(v => ScalarKey(v) is { } key && expected.Contains(key)));
    }

    private static DocumentPredicate Ids(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Array)
        {
            throw KuzzleErrors.Services.Storage.InvalidSearchQuery.Create("ids.values");
        }

        var ids = values.EnumerateArray().Select(ScalarKey).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return (id, _) => ids.Contains(id);
    }

    private static DocumentPredicate Exists(JsonElement body, FieldMapping mapping)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("field", out var field) || field.ValueKind != JsonValueKind.String)
        {
            throw KuzzleErrors.Services.Storage.InvalidSearchQuery.Create("exists.field");
        }

        var path = field.GetString()!;
        return OnlyIfSearchable(path, mapping, (id, source) => Values(id, source, path).Any());
    }

    private static DocumentPredicate Match(JsonElement body, FieldMapping mapping)
    {
        var (field, value) = SingleField("match", body);
        var and = false;
        if (value.ValueKind == JsonValueKind.Object)
        {
            and = value.TryGetProperty("operator", out var op) && string.Equals(op.GetString(), "and", StringComparison.OrdinalIgnoreCase);
            value = value.TryGetProperty("query", out var query) ? query : default;
        }

        var tokens = Tokenize(ScalarKey(value) ?? throw KuzzleErrors.Services.Storage.InvalidSearchQuery.Create("match." + field));
        return OnlyIfSearchable(field, mapping, (id, source) =>
        {
            var found = Values(id, source, field).SelectMany(v => Tokenize(ScalarKey(v) ?? "")).ToHashSet(StringComparer.Ordinal);
            return tokens.Count > 0 && (and ? tokens.All(found.Contains) : tokens.Any(found.Contains));
        });
    }

    private static DocumentPredicate Range(JsonElement body, FieldMapping mapping)
    {
        var (field, bounds) = SingleField("range", body);
        if (bounds.ValueKind != JsonValueKind.Object)
        {
            throw KuzzleErrors.Services.Storage.InvalidSearchQuery.Create("range." + field);
        }

        var checks = new List<Func<JsonNode, bool>>();
        foreach (var bound in bounds.EnumerateObject())
        {
            var limit = bound.Value.Clone();
            Func<int, bool> accept = bound.Name switch
            {
                "gt" => c => c > 0,
                "gte" => c => c >= 0,
                "lt" => c => c < 0,
                "lte" => c => c <= 0,
                _ => _ => true, // format, boost, time_zone: not relevant here.
            };
            checks.Add(v => Compare(v, limit) is { } c && accept(c));
        }

        return OnlyIfSearchable(field, mapping, (id, source) => Values(id, source, field).Any(v => checks.TrueForAll(check => check(v))));
    }

    private static int? Compare(JsonNode value, JsonElement limit)
    {
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && limit.ValueKind == JsonValueKind.Number)
        {
            return v.GetValue<double>().CompareTo(limit.GetDouble());
        }

        return ScalarKey(value) is { } text && ScalarKey(limit) is { } bound ? string.CompareOrdinal(text, bound) : null;
    }

    private static DocumentPredicate Bool(JsonElement body, FieldMapping mapping)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw KuzzleErrors.Services.Storage.InvalidSearchQuery.Create("bool");
        }

        List<DocumentPredicate> must = [], should = [], mustNot = [];
        int? minimumShould = null;
        foreach (var part in body.EnumerateObject())
        {
            switch (part.Name)
            {
                case "must" or "filter":
                    must.AddRange(Clauses(part.Value, mapping));
                    break;
                case "should":
                    should.AddRange(Clauses(part.Value, mapping));
                    break;
                case "must_not":
                    mustNot.AddRange(Clauses(part.Value, mapping));
                    break;
                case "minimum_should_match" when part.Value.ValueKind == JsonValueKind.Number:
                    minimumShould = part.Value.GetInt32();
                    break;
                case "minimum_should_match" or "boost" or "_name":
                    break;
                default:
                    throw KuzzleErrors.Services.Storage.UnknownQueryKeyword.Create("bool." + part.Name);
            }
        }

        // Elasticsearch: with no must/filter, at least one should clause must match.
        var needed = minimumShould ?? (should.Count > 0 && must.Count == 0 ? 1 : 0);
        return (id, source) =>
            must.TrueForAll(c => c(id, source))
            && !mustNot.Exists(c => c(id, source))
            && (needed == 0 || should.Count(c => c(id, source)) >= needed);
    }

    private static IEnumerable<DocumentPredicate> Clauses(JsonElement value, FieldMapping mapping) =>
        value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray().Select(c => Compile(c, mapping))] : [Compile(value, mapping)];

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                tokens.Add(text[start..i].ToLowerInvariant());
                start = -1;
            }
        }

        return tokens;
    }
}

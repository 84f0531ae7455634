using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Errors;

namespace Kuzzle.Realtime.Security.Store.Search;

/// <summary>
/// <c>lang=koncorde</c> (security.md §7.1): a Koncorde filter rewritten as an Elasticsearch query. <c>bool</c> is refused
/// (<c>api.assert.koncorde_restricted_keyword</c>); keywords without a translation pass through as Elasticsearch clauses.
/// </summary>
public static class KoncordeTranslator
{
    /// <summary>Translates a filter; <c>{}</c> or null stays match-all.</summary>
    public static JsonElement Translate(JsonElement filter) =>
        filter.ValueKind != JsonValueKind.Object
            ? filter
            : JsonSerializer.SerializeToElement(TranslateNode(JsonNode.Parse(filter.GetRawText())!.AsObject()), StoreJsonContext.Default.JsonNode);

    private static JsonNode TranslateNode(JsonObject filter)
    {
        if (filter.Count == 0)
        {
            return new JsonObject();
        }

        var (keyword, body) = filter.First();
        return keyword switch
        {
            "equals" => new JsonObject { ["term"] = body?.DeepClone() },
            "in" => new JsonObject { ["terms"] = body?.DeepClone() },
            "ids" => new JsonObject { ["ids"] = body?.DeepClone() },
            "range" => new JsonObject { ["range"] = body?.DeepClone() },
            "exists" => Exists(body),
            "missing" => new JsonObject { ["bool"] = new JsonObject { ["must_not"] = new JsonArray(Exists(body)) } },
            "geoBoundingBox" => new JsonObject { ["geo_bounding_box"] = body?.DeepClone() },
            "geoDistance" => new JsonObject { ["geo_distance"] = body?.DeepClone() },
            "geoDistanceRange" => new JsonObject { ["geo_distance_range"] = body?.DeepClone() },
            "geoPolygon" => new JsonObject { ["geo_polygon"] = body?.DeepClone() },
            "and" => Combine("filter", body),
            "or" => Combine("should", body),
            "not" => new JsonObject { ["bool"] = new JsonObject { ["must_not"] = new JsonArray(Sub(body)) } },
            "bool" => throw KuzzleErrors.Api.Assert.KoncordeRestrictedKeyword.Create("keyword", "bool"),
            _ => filter.DeepClone(),
        };
    }

    private static JsonNode Sub(JsonNode? body) =>
        body is JsonObject o ? TranslateNode(o) : throw KuzzleErrors.Api.Assert.KoncordeDslError.Create("filter must be an object");

    private static JsonObject Combine(string occurrence, JsonNode? body) =>
        body is JsonArray array
            ? new JsonObject { ["bool"] = new JsonObject { [occurrence] = new JsonArray([.. array.Select(Sub)]) } }
            : throw KuzzleErrors.Api.Assert.KoncordeDslError.Create("and/or expect an array");

    // exists: "field", {"field":"f"}, or the array form f["v"] meaning "f contains v".
    private static JsonObject Exists(JsonNode? body)
    {
        var field = body is JsonObject o ? o["field"]?.GetValue<string>() : body?.GetValue<string>();
        if (field is null)
        {
            throw KuzzleErrors.Api.Assert.KoncordeDslError.Create("exists needs a field");
        }

        var bracket = field.IndexOf('[', StringComparison.Ordinal);
        if (bracket > 0 && field.EndsWith(']'))
        {
            var name = field[..bracket];
            var value = JsonNode.Parse(field[(bracket + 1)..^1]);
            return new JsonObject
            {
                ["bool"] = new JsonObject
                {
                    ["filter"] = new JsonArray(
                        new JsonObject { ["exists"] = new JsonObject { ["field"] = name } },
                        new JsonObject { ["range"] = new JsonObject { [name] = new JsonObject { ["gte"] = value?.DeepClone(), ["lte"] = value?.DeepClone() } } }),
                },
            };
        }

        return new JsonObject { ["exists"] = new JsonObject { ["field"] = field } };
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Requests;
using Kuzzle.Realtime.Protocol.Responses;
using Kuzzle.Realtime.Security.Store.Search;
using Kuzzle.Realtime.Tokens;

namespace Kuzzle.Realtime.Server.Security;

/// <summary>
/// <c>searchApiKeys</c> (auth and security controllers): the user's keys filtered by an Elasticsearch query (or a Koncorde filter with
/// <c>lang=koncorde</c>), paged with <c>from</c>/<c>size</c>; <c>total</c> is the number of hits returned, as in Kuzzle.
/// </summary>
public static class ApiKeySearch
{
    /// <summary>Runs the search of one user's keys.</summary>
    public static async ValueTask<ApiResult> RunAsync(ApiKeyStore keys, string kuid, RequestInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(input);
        var from = (int)input.GetInteger("from", 0);
        var size = (int)input.GetInteger("size", 10);
        if (from < 0 || size < 0)
        {
            throw KuzzleErrors.Api.Assert.InvalidArgument.Create(from < 0 ? "from" : "size", "a positive integer");
        }

        var lang = input.GetStringOrDefault("lang", "elasticsearch");
        if (lang is not ("elasticsearch" or "koncorde"))
        {
            throw KuzzleErrors.Api.Assert.InvalidArgument.Create("lang", "elasticsearch, koncorde");
        }

        // The SDK sends the query itself as the body ({"match": …}); a body holding "query" is a full search body.
        var body = input.HasBody ? input.Body : default;
        var searchBody = body.ValueKind == JsonValueKind.Object && body.EnumerateObject().Any() && !body.TryGetProperty("query", out _)
            ? JsonSerializer.SerializeToElement(new JsonObject { ["query"] = JsonNode.Parse(body.GetRawText()) })
            : body;
        var query = SearchQuery.Parse(searchBody, koncorde: lang == "koncorde");

        var documents = (await keys.ListAsync(kuid, cancellationToken)).Select(ToSearchDocument);
        var page = query.Run(documents, from, size);
        var hits = new JsonArray();
        foreach (var hit in page.Hits)
        {
            hits.Add(new JsonObject { ["_id"] = hit.Id, ["_source"] = hit.Source.DeepClone() });
        }

        return ApiResult.From(new JsonObject { ["hits"] = hits, ["total"] = hits.Count });
    }

    private static SearchDocument ToSearchDocument(ApiKey key) => new(key.Id, key.ToSource());
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Requests;
using Kuzzle.Realtime.Protocol.Responses;
using Kuzzle.Realtime.Security.Store;
using Kuzzle.Realtime.Security.Store.Search;
using Kuzzle.Realtime.Server.Security;
using Kuzzle.Realtime.Server.Security.Strategies;
using Kuzzle.Realtime.Storage;

namespace Kuzzle.Realtime.Server.Api.Controllers;

/// <summary>
/// The <c>security</c> controller (security.md §5): users, profiles, roles, credentials, rights listings, mappings. API-key actions
/// and <c>revokeTokens</c> belong to the token side. Split by concern: Users, Profiles, Roles, Credentials.
/// </summary>
public sealed partial class SecurityController(
    SecurityStore store, StrategyRegistry strategies, UserLifecycle lifecycle, Kuzzle.Realtime.Server.Storage.ServerStorage storage, PasswordChangeRevocation passwordChanges) : IApiController
{
    /// <inheritdoc />
    public string Name => "security";

    /// <inheritdoc />
    public void Register(ControllerTableBuilder table)
    {
        ArgumentNullException.ThrowIfNull(table);
        RegisterUsers(table);
        RegisterProfiles(table);
        RegisterRoles(table);
        RegisterCredentials(table);
        table.Add(Name, "refresh", Refresh);
    }

    // security:refresh — writes are visible at once here, so only the collection name is checked.
    private ValueTask<ApiResult?> Refresh(RequestContext context, CancellationToken cancellationToken)
    {
        var collection = context.Input.GetString("collection");
        return collection is SecurityCollections.Users or SecurityCollections.Profiles or SecurityCollections.Roles
            ? ValueTask.FromResult<ApiResult?>(null)
            : throw KuzzleErrors.Api.Assert.UnexpectedArgument.Create("collection", "users, profiles, roles");
    }

    private static ApiResult Result(JsonNode? node) => ApiResult.From(node);

    /// <summary>Translates the store's unavailability for the client (every action).</summary>
    private static async ValueTask<ApiResult?> Guard(Func<Task<ApiResult?>> action) => await SecurityErrors.GuardAsync(action());

    private static string Id(RequestInput input) => input.GetId();

    // The list forms of searchProfiles ({roles:[…]}) and searchRoles ({controllers:[…]}): an array, never together with a query
    // (that 400 has no catalogue id in Kuzzle).
    private static bool TryListForm(JsonElement body, string name, out JsonElement list)
    {
        list = default;
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty(name, out list))
        {
            return false;
        }

        if (body.TryGetProperty("query", out _))
        {
            throw KuzzleException.AdHoc(400, $"You cannot use both \"{name}\" and \"query\" arguments at the same time.");
        }

        return list.ValueKind == JsonValueKind.Array ? true : throw KuzzleErrors.Api.Assert.InvalidType.Create("body." + name, "array");
    }

    // Ids become HTTP path segments and storage keys: ids starting with "_" would shadow routes (api.assert.invalid_id).
    private static string NewId(RequestInput input, string? generated = null)
    {
        var id = generated is null ? input.GetId() : input.GetIdOrDefault() ?? generated;
        if (id.Length == 0 || id.StartsWith('_'))
        {
            throw KuzzleErrors.Api.Assert.InvalidId.Create(id);
        }

        return id;
    }

    private static int RetryOnConflict(RequestInput input) => (int)Math.Clamp(input.GetInteger("retryOnConflict", 10), 0, 100);

    /// <summary>The <c>ids</c> of mGet/mDelete: <c>body.ids</c>, else the <c>ids</c> argument when <paramref name="argumentAllowed"/>.</summary>
    private static List<string> Ids(RequestInput input, bool argumentAllowed, string typeName = "ids")
    {
        JsonElement? ids = null;
        if (input.HasBody && input.Body.ValueKind == JsonValueKind.Object && input.Body.TryGetProperty("ids", out var bodyIds)
            && bodyIds.ValueKind != JsonValueKind.Null && !(argumentAllowed && bodyIds.ValueKind == JsonValueKind.Array && bodyIds.GetArrayLength() == 0))
        {
            ids = bodyIds;
        }
        else if (argumentAllowed)
        {
            // Kuzzle's non-body form (security.md §5) is a comma-separated string over every protocol (HTTP: JSON too).
            if (input.Protocol != RequestProtocol.Http && input.TryGetArg("ids", out var argument) && argument.ValueKind == JsonValueKind.String)
            {
                return [.. argument.GetString()!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
            }

            ids = input.GetArrayOrDefault("ids");
        }

        if (ids is not { } array)
        {
            throw KuzzleErrors.Api.Assert.MissingArgument.Create("body.ids");
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw KuzzleErrors.Api.Assert.InvalidType.Create("body.ids", "array");
        }

        var list = new List<string>();
        foreach (var id in array.EnumerateArray())
        {
            list.Add(id.ValueKind == JsonValueKind.String ? id.GetString()! : throw KuzzleErrors.Api.Assert.InvalidType.Create(typeName, "string[]"));
        }

        return list;
    }

    /// <summary>mDelete*: at most 200 ids; failures ⇒ 206 <c>services.storage.incomplete_delete</c> with the successes as result.</summary>
    private static async Task<ApiResult?> DeleteManyAsync(RequestInput input, Func<string, Task> delete)
    {
        var ids = Ids(input, argumentAllowed: false);
        if (ids.Count > SecurityCollections.MaxWrite)
        {
            throw KuzzleErrors.Services.Storage.WriteLimitExceeded.Create();
        }

        var deleted = new JsonArray();
        var errors = new List<object?>();
        foreach (var id in ids)
        {
            try
            {
                await delete(id);
                deleted.Add(id);
            }
            catch (KuzzleException e)
            {
                errors.Add(e);
            }
        }

        if (errors.Count > 0)
        {
            throw new KuzzleException(
                KuzzleErrors.Services.Storage.IncompleteDelete,
                [string.Join(", ", errors.Cast<KuzzleException>().Select(e => e.Message))])
            {
                Result = ApiResult.From(deleted),
                Errors = errors,
            };
        }

        return Result(deleted);
    }

    /// <summary>from/size/scroll/lang of searchUsers / searchProfiles / searchRoles.</summary>
    private static (int From, int Size, TimeSpan? Scroll, bool Koncorde) SearchArgs(RequestInput input, bool scrollAllowed)
    {
        var from = input.GetInteger("from", 0);
        var size = input.GetInteger("size", SecurityCollections.MaxFetch);
        SecuritySearch.CheckPage(from, size);
        TimeSpan? scroll = null;
        if (scrollAllowed && input.GetStringOrDefault("scroll") is { } ttl)
        {
            scroll = ScrollCursor.ParseDuration(ttl);
        }

        var lang = input.GetStringOrDefault("lang", "elasticsearch");
        if (lang is not ("elasticsearch" or "koncorde"))
        {
            throw KuzzleErrors.Api.Assert.InvalidArgument.Create("lang", "elasticsearch, koncorde");
        }

        return ((int)from, (int)size, scroll, lang == "koncorde");
    }

    private static JsonElement BodyOrEmpty(RequestInput input) =>
        input.HasBody ? input.GetBodyObject() : default;
}

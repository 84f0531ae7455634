using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Requests;
using Kuzzle.Realtime.Protocol.Responses;
using Kuzzle.Realtime.Security;
using Kuzzle.Realtime.Security.Store;
using Kuzzle.Realtime.Server.Security;

namespace Kuzzle.Realtime.Server.Api.Controllers;

// Users (security.md §5.1). Errors: security.user.not_found / already_exists / no_profile / anonymous_profile_required,
// security.profile.not_found, api.assert.*, api.process.admin_exists, security.credentials.*, services.storage.*.
public sealed partial class SecurityController
{
    private void RegisterUsers(ControllerTableBuilder table)
    {
        table.Add(Name, "createFirstAdmin", (c, ct) => Guard(() => CreateFirstAdminAsync(c, ct)))
            .Add(Name, "createRestrictedUser", (c, ct) => Guard(() => CreateRestrictedUserAsync(c, ct)))
            .Add(Name, "createUser", (c, ct) => Guard(() => CreateUserAsync(c, ct)))
            .Add(Name, "restrictDefaultRights", (c, ct) => Guard(async () =>
            {
                await store.Bootstrap.RestrictDefaultRightsAsync(ct);
                return null;
            }))
            .Add(Name, "getUser", (c, ct) => Guard(async () => Result((await store.Users.GetAsync(Id(c.Input), ct)).ToJson())))
            .Add(Name, "mGetUsers", (c, ct) => Guard(async () =>
                Result(Hits(await store.Users.GetManyAsync(Ids(c.Input, argumentAllowed: true), ct)))))
            .Add(Name, "updateUser", (c, ct) => Guard(async () =>
                Result((await store.Users.UpdateAsync(Id(c.Input), c.Input.GetBodyObject(), c.User.Kuid, RetryOnConflict(c.Input), ct)).ToJson())))
            .Add(Name, "replaceUser", (c, ct) => Guard(async () =>
                Result((await store.Users.ReplaceAsync(Id(c.Input), c.Input.GetBodyObject(), c.User.Kuid, ct)).ToJson())))
            .Add(Name, "upsertUser", (c, ct) => Guard(() => UpsertUserAsync(c, ct)))
            .Add(Name, "deleteUser", (c, ct) => Guard(async () =>
            {
                var kuid = Id(c.Input);
                await DeleteUserAsync(c, kuid, ct);
                return Result(new JsonObject { ["_id"] = kuid });
            }))
            .Add(Name, "mDeleteUsers", (c, ct) => Guard(() => DeleteManyAsync(c.Input, id => DeleteUserAsync(c, id, ct))))
            .Add(Name, "searchUsers", (c, ct) => Guard(async () =>
            {
                var (from, size, scroll, koncorde) = SearchArgs(c.Input, scrollAllowed: true);
                return Result(await store.Search.SearchAsync(SecurityCollections.Users, BodyOrEmpty(c.Input), koncorde, from, size, scroll, ct));
            }))
            .Add(Name, "scrollUsers", (c, ct) => Guard(async () =>
            {
                _ = c.Input.GetStringOrDefault("scroll");
                return Result(await store.Search.ScrollAsync(SecurityCollections.Users, c.Input.GetString("scrollId"), ct));
            }))
            .Add(Name, "getUserRights", (c, ct) => Guard(async () =>
            {
                var kuid = Id(c.Input);
                _ = await store.Users.GetAsync(kuid, ct);
                var rights = await store.Rights.GetUserRightsAsync(BuiltInSecurity.IsAnonymousUserId(kuid) ? BuiltInSecurity.AnonymousKuid : kuid, ct);
                return Listing(rights.ListRights());
            }))
            .Add(Name, "getUserStrategies", (c, ct) => Guard(() => GetUserStrategiesAsync(c, ct)))
            .Add(Name, "checkRights", (c, ct) => Guard(() => CheckRightsAsync(c, ct)))
            .Add(Name, "getUserMapping", (c, ct) => Guard(async () => Result(await store.Mappings.GetAsync(SecurityCollections.Users, ct))))
            .Add(Name, "updateUserMapping", (c, ct) => Guard(async () =>
                Result(await store.Mappings.UpdateAsync(SecurityCollections.Users, c.Input.GetBodyObject(), ct))));
    }

    private static JsonObject Hits(IEnumerable<SecurityDocument> documents) =>
        new() { ["hits"] = new JsonArray([.. documents.Select(d => (JsonNode)d.ToJson())]) };

    private static ApiResult Listing(IReadOnlyList<RightsItem> items)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            RightsItem.WriteListing(writer, items);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return ApiResult.From(document.RootElement.Clone());
    }

    private async Task<ApiResult?> CreateUserAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var body = context.Input.GetBodyObject();
        var content = ContentObject(body, required: true);
        return Result((await CreateWithCredentialsAsync(context, NewKuid(context.Input), content!.Value, Credentials(body), cancellationToken)).ToJson());
    }

    private async Task<ApiResult?> CreateRestrictedUserAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var body = context.Input.HasBody ? context.Input.GetBodyObject() : default;
        var content = WithProfiles(ContentObject(body, required: false), [BuiltInSecurity.DefaultId]);
        return Result((await CreateWithCredentialsAsync(context, NewKuid(context.Input), content, Credentials(body), cancellationToken)).ToJson());
    }

    private async Task<ApiResult?> CreateFirstAdminAsync(RequestContext context, CancellationToken cancellationToken)
    {
        if (await store.Users.AdminExistsAsync(cancellationToken))
        {
            throw KuzzleErrors.Api.Process.AdminExists.Create();
        }

        // Checked again under the claim: of two concurrent calls (on any nodes) exactly one creates an administrator.
        await using var claim = await FirstAdminClaim.TakeAsync(storage.Shared.Documents, TimeProvider.System, cancellationToken);
        if (await store.Users.AdminExistsAsync(cancellationToken))
        {
            throw KuzzleErrors.Api.Process.AdminExists.Create();
        }

        var reset = context.Input.GetBoolean("reset");
        var body = context.Input.HasBody ? context.Input.GetBodyObject() : default;
        var content = WithProfiles(ContentObject(body, required: false), [BuiltInSecurity.AdminId]);
        var user = await CreateWithCredentialsAsync(context, NewKuid(context.Input), content, Credentials(body), cancellationToken);
        if (reset)
        {
            await store.Bootstrap.RestrictDefaultRightsAsync(cancellationToken);
        }

        return Result(user.ToJson());
    }

    private async Task<ApiResult?> UpsertUserAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var kuid = NewId(context.Input);
        var body = context.Input.GetBodyObject();
        var content = ContentObject(body, required: true)!.Value;
        _ = SecurityErrorsParse(kuid, content);
        if (await store.Users.ExistsAsync(kuid, cancellationToken))
        {
            return Result((await store.Users.UpdateAsync(kuid, content, context.User.Kuid, RetryOnConflict(context.Input), cancellationToken)).ToJson());
        }

        // Create path: {...default, ...content}.
        var merged = new JsonObject();
        if (body.TryGetProperty("default", out var defaults) && defaults.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in defaults.EnumerateObject())
            {
                merged[p.Name] = JsonNode.Parse(p.Value.GetRawText());
            }
        }

        foreach (var p in content.EnumerateObject())
        {
            merged[p.Name] = JsonNode.Parse(p.Value.GetRawText());
        }

        var element = JsonSerializer.SerializeToElement(merged, Hosting.ServerJsonContext.Default.JsonNode);
        return Result((await CreateWithCredentialsAsync(context, kuid, element, Credentials(body), cancellationToken)).ToJson());
    }

    // upsertUser requires content.profileIds even when updating.
    private static Kuzzle.Realtime.Security.User SecurityErrorsParse(string kuid, JsonElement content)
    {
        try
        {
            return Kuzzle.Realtime.Security.User.Parse(kuid, content, null, "body.content.profileIds");
        }
        catch (SecurityValidationException e)
        {
            throw SecurityErrors.From(e);
        }
    }

    /// <summary>
    /// deleteUser (security.md §5.1): credentials of every strategy holding some (failure ⇒ security.credentials.rejected), then the
    /// document, then <see cref="UserLifecycle.UserDeleted"/> (tokens and API keys).
    /// </summary>
    private async Task DeleteUserAsync(RequestContext context, string kuid, CancellationToken cancellationToken)
    {
        if (!await store.Users.ExistsAsync(kuid, cancellationToken))
        {
            throw KuzzleErrors.Security.User.NotFound.Create(kuid);
        }

        var call = CallContext(context);
        foreach (var name in strategies.Names)
        {
            if (!strategies.TryGet(name, out var strategy))
            {
                continue;
            }

            try
            {
                if (await strategy.ExistsAsync(call, kuid, cancellationToken))
                {
                    await strategy.DeleteAsync(call, kuid, cancellationToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw KuzzleErrors.Security.Credentials.Rejected.Create(e.Message);
            }
        }

        await store.Users.DeleteAsync(kuid, cancellationToken);
        await lifecycle.RaiseUserDeletedAsync(kuid, cancellationToken);
    }

    private async Task<ApiResult?> GetUserStrategiesAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var kuid = Id(context.Input);
        _ = await store.Users.GetAsync(kuid, cancellationToken);
        var names = new JsonArray();
        if (!BuiltInSecurity.IsAnonymousUserId(kuid))
        {
            var call = CallContext(context);
            foreach (var name in strategies.Names)
            {
                if (strategies.TryGet(name, out var strategy) && await StrategyCallAsync(() => strategy.ExistsAsync(call, kuid, cancellationToken).AsTask()))
                {
                    names.Add(name);
                }
            }
        }

        return Result(new JsonObject { ["strategies"] = names, ["total"] = names.Count });
    }

    // checkRights: runs §3.3 for another user on a request payload; does not check the action exists.
    private async Task<ApiResult?> CheckRightsAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var kuid = context.Input.GetString("userId");
        var request = StoredRightsPolicy.FromPayload(context.Input.GetBodyObject());
        _ = await store.Users.GetAsync(kuid, cancellationToken);
        var rights = await store.Rights.GetUserRightsAsync(BuiltInSecurity.IsAnonymousUserId(kuid) ? BuiltInSecurity.AnonymousKuid : kuid, cancellationToken);
        return Result(new JsonObject { ["allowed"] = rights.IsAllowed(request) });
    }

    private static string NewKuid(RequestInput input) => NewId(input, UserRepository.GenerateKuid(input.GetStringOrDefault("kuid")));

    private static JsonElement? ContentObject(JsonElement body, bool required)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            return required ? throw KuzzleErrors.Api.Assert.MissingArgument.Create("body.content") : null;
        }

        return content.ValueKind == JsonValueKind.Object ? content : throw KuzzleErrors.Api.Assert.InvalidType.Create("body.content", "object");
    }

    // createRestrictedUser / createFirstAdmin choose the profiles themselves.
    private static JsonElement WithProfiles(JsonElement? content, string[] profileIds)
    {
        var copy = content is { } c ? JsonNode.Parse(c.GetRawText())!.AsObject() : [];
        if (copy.ContainsKey("profileIds"))
        {
            throw KuzzleErrors.Api.Assert.ForbiddenArgument.Create("body.content.profileIds");
        }

        copy["profileIds"] = new JsonArray([.. profileIds.Select(p => (JsonNode)JsonValue.Create(p))]);
        return JsonSerializer.SerializeToElement(copy, Hosting.ServerJsonContext.Default.JsonNode);
    }

    private static JsonElement? Credentials(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("credentials", out var credentials) || credentials.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return credentials.ValueKind == JsonValueKind.Object ? credentials : throw KuzzleErrors.Api.Assert.InvalidType.Create("body.credentials", "object");
    }
}

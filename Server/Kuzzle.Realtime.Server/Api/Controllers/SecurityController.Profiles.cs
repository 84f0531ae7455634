using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Requests;
using Kuzzle.Realtime.Protocol.Responses;
using Kuzzle.Realtime.Security.Store;

namespace Kuzzle.Realtime.Server.Api.Controllers;

// Profiles (security.md §5.2). Errors: security.profile.not_found / cannot_delete / in_use / missing_anonymous_role,
// security.role.not_found, services.storage.document_already_exists, api.assert.*.
public sealed partial class SecurityController
{
    private void RegisterProfiles(ControllerTableBuilder table)
    {
        table.Add(Name, "createOrReplaceProfile", (c, ct) => Guard(() => WriteProfileAsync(c, replace: true, ct)))
            .Add(Name, "createProfile", (c, ct) => Guard(() => WriteProfileAsync(c, replace: false, ct)))
            .Add(Name, "deleteProfile", (c, ct) => Guard(async () =>
            {
                var id = Id(c.Input);
                await store.Profiles.DeleteAsync(id, OnAssignedUsersRemove(c.Input), c.User.Kuid, ct);
                return Result(new JsonObject { ["_id"] = id });
            }))
            .Add(Name, "getProfile", (c, ct) => Guard(async () => Result((await store.Profiles.GetAsync(Id(c.Input), ct)).ToJson())))
            .Add(Name, "getProfileMapping", (c, ct) => Guard(async () => Result(await store.Mappings.GetAsync(SecurityCollections.Profiles, ct))))
            .Add(Name, "getProfileRights", (c, ct) => Guard(async () =>
            {
                var id = Id(c.Input);
                _ = await store.Profiles.GetAsync(id, ct);
                return Listing((await store.Rights.GetProfileRightsAsync(id, ct)).ListRights());
            }))
            .Add(Name, "mDeleteProfiles", (c, ct) => Guard(() => DeleteManyAsync(c.Input, id => store.Profiles.DeleteAsync(id, false, c.User.Kuid, ct))))
            .Add(Name, "mGetProfiles", (c, ct) => Guard(async () =>
                Result(Hits(await store.Profiles.GetManyAsync(Ids(c.Input, argumentAllowed: false, "profileIds"), ct)))))
            .Add(Name, "scrollProfiles", (c, ct) => Guard(async () =>
            {
                _ = c.Input.GetStringOrDefault("scroll");
                return Result(await store.Search.ScrollAsync(SecurityCollections.Profiles, c.Input.GetString("scrollId"), ct));
            }))
            .Add(Name, "searchProfiles", (c, ct) => Guard(() => SearchProfilesAsync(c, ct)))
            .Add(Name, "updateProfile", (c, ct) => Guard(async () =>
                Result((await store.Profiles.UpdateAsync(Id(c.Input), c.Input.GetBodyObject(), c.User.Kuid, RetryOnConflict(c.Input), c.Input.GetBoolean("strict"), ct)).ToJson())))
            .Add(Name, "updateProfileMapping", (c, ct) => Guard(async () =>
                Result(await store.Mappings.UpdateAsync(SecurityCollections.Profiles, c.Input.GetBodyObject(), ct))));
    }

    private async Task<ApiResult?> WriteProfileAsync(RequestContext context, bool replace, CancellationToken cancellationToken)
    {
        var id = NewId(context.Input);
        var strict = context.Input.GetBoolean("strict");
        var body = context.Input.GetBodyObject();
        if (!body.TryGetProperty("policies", out var policies) || policies.ValueKind == JsonValueKind.Null)
        {
            throw KuzzleErrors.Api.Assert.MissingArgument.Create("body.policies");
        }

        if (policies.ValueKind != JsonValueKind.Array)
        {
            throw KuzzleErrors.Api.Assert.InvalidType.Create("body.policies", "array");
        }

        return Result((await store.Profiles.CreateAsync(id, body, context.User.Kuid, replace, strict, cancellationToken)).ToJson());
    }

    private static bool OnAssignedUsersRemove(RequestInput input) =>
        input.GetStringOrDefault("onAssignedUsers", "fail") switch
        {
            "fail" => false,
            "remove" => true,
            _ => throw KuzzleErrors.Api.Assert.InvalidArgument.Create("onAssignedUsers", "fail, remove"),
        };

    // The deprecated {roles:[…]} form becomes {"terms":{"policies.roleId":[…]}}; with query too ⇒ ad-hoc 400.
    private async Task<ApiResult?> SearchProfilesAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var (from, size, scroll, koncorde) = SearchArgs(context.Input, scrollAllowed: true);
        var body = BodyOrEmpty(context.Input);
        if (TryListForm(body, "roles", out var roles))
        {
            var query = roles.GetArrayLength() == 0
                ? new JsonObject { ["match_all"] = new JsonObject() }
                : new JsonObject { ["terms"] = new JsonObject { [SecurityCollections.RoleIdTerm] = JsonNode.Parse(roles.GetRawText()) } };
            body = JsonSerializer.SerializeToElement<JsonNode>(new JsonObject { ["query"] = query }, Hosting.ServerJsonContext.Default.JsonNode);
            koncorde = false;
        }

        return Result(await store.Search.SearchAsync(SecurityCollections.Profiles, body, koncorde, from, size, scroll, cancellationToken));
    }
}

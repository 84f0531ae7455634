using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Responses;
using Kuzzle.Realtime.Security.Store;

namespace Kuzzle.Realtime.Server.Api.Controllers;

// Roles (security.md §5.3). Errors: security.role.not_found / cannot_delete / in_use / login_required / unknown_controller /
// unknown_action, services.storage.document_already_exists / not_found, api.assert.*.
public sealed partial class SecurityController
{
    private void RegisterRoles(ControllerTableBuilder table)
    {
        table.Add(Name, "createOrReplaceRole", (c, ct) => Guard(async () =>
                Result((await store.Roles.CreateAsync(NewId(c.Input), c.Input.GetBodyObject(), c.User.Kuid, c.Input.GetBoolean("force"), replace: true, ct)).ToJson())))
            .Add(Name, "createRole", (c, ct) => Guard(async () =>
                Result((await store.Roles.CreateAsync(NewId(c.Input), c.Input.GetBodyObject(), c.User.Kuid, c.Input.GetBoolean("force"), replace: false, ct)).ToJson())))
            .Add(Name, "deleteRole", (c, ct) => Guard(async () =>
            {
                var id = Id(c.Input);
                await store.Roles.DeleteAsync(id, ct);
                return Result(new JsonObject { ["_id"] = id });
            }))
            .Add(Name, "getRole", (c, ct) => Guard(async () => Result((await store.Roles.GetAsync(Id(c.Input), ct)).ToJson())))
            .Add(Name, "getRoleMapping", (c, ct) => Guard(async () => Result(await store.Mappings.GetAsync(SecurityCollections.Roles, ct))))
            .Add(Name, "mDeleteRoles", (c, ct) => Guard(() => DeleteManyAsync(c.Input, id => store.Roles.DeleteAsync(id, ct))))
            .Add(Name, "mGetRoles", (c, ct) => Guard(async () =>
                Result(Hits(await store.Roles.GetManyAsync(Ids(c.Input, argumentAllowed: false), ct)))))
            .Add(Name, "searchRoles", (c, ct) => Guard(() => SearchRolesAsync(c, ct)))
            .Add(Name, "updateRole", (c, ct) => Guard(async () =>
                Result((await store.Roles.UpdateAsync(Id(c.Input), c.Input.GetBodyObject(), c.User.Kuid, c.Input.GetBoolean("force"), RetryOnConflict(c.Input), ct)).ToJson())))
            .Add(Name, "updateRoleMapping", (c, ct) => Guard(async () =>
                Result(await store.Mappings.UpdateAsync(SecurityCollections.Roles, c.Input.GetBodyObject(), ct))));
    }

    // {controllers:[…]} (§7.2) or an ES query; both ⇒ ad-hoc 400. No scroll for roles.
    private async Task<ApiResult?> SearchRolesAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var (from, size, _, koncorde) = SearchArgs(context.Input, scrollAllowed: false);
        var body = BodyOrEmpty(context.Input);
        if (TryListForm(body, "controllers", out var controllers))
        {
            var names = controllers.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal);
            return Result(await store.Search.SearchRolesByControllersAsync(names, from, size, cancellationToken));
        }

        return Result(await store.Search.SearchAsync(SecurityCollections.Roles, body, koncorde, from, size, null, cancellationToken));
    }
}

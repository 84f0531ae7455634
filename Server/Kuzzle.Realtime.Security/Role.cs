using System.Text.Json;

namespace Kuzzle.Realtime.Security;

/// <summary>One controller entry of a role: its action rights in definition order (<c>*</c> allowed as a key).</summary>
public sealed record RoleController(string Name, IReadOnlyList<KeyValuePair<string, bool>> Actions);

/// <summary>
/// A Kuzzle role: <c>controllers → { actions → bool }</c>, <c>*</c> standing for any controller or action
/// (security.md §1.3). Immutable; <see cref="CompiledRole"/> is the form checked per request.
/// </summary>
public sealed class Role
{
    /// <summary>Builds a role from already validated rights (built-in roles, tests). No validation.</summary>
    public Role(string id, IReadOnlyList<RoleController> controllers)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(controllers);
        Id = id;
        Controllers = controllers;
    }

    public string Id { get; }

    /// <summary>Controller entries in definition order (the rights listing keeps it).</summary>
    public IReadOnlyList<RoleController> Controllers { get; }

    /// <summary>
    /// Parses and validates a role's stored or requested content (its <c>controllers</c> key; other keys such as
    /// <c>tags</c> are the caller's). Checks, in Kuzzle's order: shape (api.assert.*), the anonymous role's login
    /// (security.role.login_required), then, when <paramref name="knownControllers"/> is given, native actions and
    /// plugin controllers/actions (security.role.unknown_action / unknown_controller).
    /// </summary>
    /// <param name="id">Role id (used in error placeholders).</param>
    /// <param name="content">The role document (<c>{"controllers":{…}, …}</c>).</param>
    /// <param name="knownControllers">
    /// Controllers this server knows, with their actions (native and plugin). Native controllers (see
    /// <see cref="KuzzleNativeApi"/>) are always checked against Kuzzle's table united with this one; any other
    /// controller must be listed here unless <paramref name="force"/>. <c>null</c> skips existence checks (roles
    /// read back from storage).
    /// </param>
    /// <param name="force">Kuzzle's <c>force</c> argument: unknown non-native controllers/actions become warnings.</param>
    /// <param name="warnings">Receives the warnings <paramref name="force"/> turned errors into, if given.</param>
    /// <exception cref="SecurityValidationException">A rule is broken.</exception>
    public static Role Parse(
        string id,
        JsonElement content,
        IReadOnlyDictionary<string, IReadOnlySet<string>>? knownControllers = null,
        bool force = false,
        ICollection<string>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        JsonObjects.RequireObjectBody(content);
        JsonObjects.TryGet(content, "controllers", out var controllers);
        var role = new Role(id, ParseControllers(id, controllers));

        if (id == BuiltInSecurity.AnonymousId && !role.CanLogIn())
        {
            throw new SecurityValidationException(SecurityErrorIds.RoleLoginRequired);
        }

        if (knownControllers is not null)
        {
            CheckNativeRights(role, knownControllers);
            CheckPluginRights(role, knownControllers, force, warnings);
        }

        return role;
    }

    /// <summary>
    /// Kuzzle's lax login test (the anonymous role guard): <c>controllers.auth</c> or <c>controllers["*"]</c> has
    /// <c>login: true</c> or <c>*: true</c>. Looser than <see cref="IsActionAllowed"/> on purpose (security.md §3.3).
    /// </summary>
    public bool CanLogIn()
    {
        foreach (var controller in (ReadOnlySpan<string>)["auth", "*"])
        {
            var entry = Find(controller);
            if (entry is null)
            {
                continue;
            }

            foreach (var action in (ReadOnlySpan<string>)["login", "*"])
            {
                if (TryFindAction(entry, action, out var value) && value)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// security.md §3.1, straight from the definition (reference implementation; the per-request path is
    /// <see cref="CompiledRole.IsActionAllowed"/>).
    /// </summary>
    public bool IsActionAllowed(string controller, string action)
    {
        RoleController? entry = null;
        if (controller is "ms" or "memoryStorage")
        {
            entry = Find("ms") ?? Find("memoryStorage");
        }

        entry ??= Find(controller) ?? Find("*");
        if (entry is null)
        {
            return false;
        }

        if (TryFindAction(entry, action, out var value) || TryFindAction(entry, "*", out value))
        {
            return value;
        }

        return false;
    }

    internal RoleController? Find(string controller)
    {
        foreach (var entry in Controllers)
        {
            if (entry.Name == controller)
            {
                return entry;
            }
        }

        return null;
    }

    private static bool TryFindAction(RoleController entry, string action, out bool value)
    {
        foreach (var (name, allowed) in entry.Actions)
        {
            if (name == action)
            {
                value = allowed;
                return true;
            }
        }

        value = false;
        return false;
    }

    private static List<RoleController> ParseControllers(string id, JsonElement controllers)
    {
        var path = $"{id}.controllers";
        if (JsonObjects.IsNullish(controllers))
        {
            throw new SecurityValidationException(SecurityErrorIds.MissingArgument, path);
        }

        if (controllers.ValueKind != JsonValueKind.Object)
        {
            throw new SecurityValidationException(SecurityErrorIds.InvalidType, path, "object");
        }

        var entries = JsonObjects.Properties(controllers);
        if (entries.Count == 0)
        {
            throw new SecurityValidationException(SecurityErrorIds.EmptyArgument, path);
        }

        var result = new List<RoleController>(entries.Count);
        foreach (var (name, controller) in entries)
        {
            result.Add(ParseController(name, controller));
        }

        return result;
    }

    private static RoleController ParseController(string name, JsonElement controller)
    {
        if (controller.ValueKind != JsonValueKind.Object)
        {
            throw new SecurityValidationException(SecurityErrorIds.InvalidType, name, "object");
        }

        var members = JsonObjects.Properties(controller);
        if (members.Count == 0)
        {
            throw new SecurityValidationException(SecurityErrorIds.EmptyArgument, name);
        }

        if (!JsonObjects.TryGet(controller, "actions", out var actions))
        {
            throw new SecurityValidationException(SecurityErrorIds.MissingArgument, name);
        }

        if (actions.ValueKind != JsonValueKind.Object)
        {
            throw new SecurityValidationException(SecurityErrorIds.InvalidType, $"{name}.actions", "object");
        }

        var rights = JsonObjects.Properties(actions);
        if (rights.Count == 0)
        {
            throw new SecurityValidationException(SecurityErrorIds.EmptyArgument, $"{name}.actions");
        }

        var result = new List<KeyValuePair<string, bool>>(rights.Count);
        foreach (var (action, value) in rights)
        {
            if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw new SecurityValidationException(SecurityErrorIds.InvalidType, $"{name}.actions.{action}", "boolean");
            }

            result.Add(new(action, value.ValueKind == JsonValueKind.True));
        }

        return new RoleController(name, result);
    }

    // The "*" controller only takes the "*" action; a native controller's actions must exist. Never relaxed by force.
    private static void CheckNativeRights(Role role, IReadOnlyDictionary<string, IReadOnlySet<string>> known)
    {
        foreach (var entry in role.Controllers)
        {
            if (entry.Name == "*")
            {
                foreach (var (action, _) in entry.Actions)
                {
                    if (action != "*")
                    {
                        throw new SecurityValidationException(SecurityErrorIds.RoleUnknownAction, role.Id, action, "*");
                    }
                }

                continue;
            }

            if (!KuzzleNativeApi.Controllers.TryGetValue(entry.Name, out var native))
            {
                continue;
            }

            known.TryGetValue(entry.Name, out var extra);
            foreach (var (action, _) in entry.Actions)
            {
                if (action != "*" && !native.Contains(action) && extra?.Contains(action) != true)
                {
                    // Last placeholder: Kuzzle's "did you mean" hint, empty outside development mode.
                    throw new SecurityValidationException(
                        SecurityErrorIds.RoleUnknownAction, role.Id, action, entry.Name, string.Empty);
                }
            }
        }
    }

    // Our choice (security.md §1.3): every non-native key is checked, not only those before the first native one.
    private static void CheckPluginRights(
        Role role,
        IReadOnlyDictionary<string, IReadOnlySet<string>> known,
        bool force,
        ICollection<string>? warnings)
    {
        foreach (var entry in role.Controllers)
        {
            if (entry.Name == "*" || KuzzleNativeApi.IsNative(entry.Name))
            {
                continue;
            }

            if (!known.TryGetValue(entry.Name, out var actions))
            {
                if (!force)
                {
                    throw new SecurityValidationException(
                        SecurityErrorIds.RoleUnknownController, role.Id, entry.Name, string.Empty);
                }

                warnings?.Add($"The role \"{role.Id}\" gives access to the non-existing controller \"{entry.Name}\".");
                continue;
            }

            foreach (var (action, _) in entry.Actions)
            {
                if (action == "*" || actions.Contains(action))
                {
                    continue;
                }

                if (!force)
                {
                    throw new SecurityValidationException(
                        SecurityErrorIds.RoleUnknownAction, role.Id, action, entry.Name, string.Empty);
                }

                warnings?.Add(
                    $"The role \"{role.Id}\" gives access to the non-existing action \"{action}\" for the controller \"{entry.Name}\".");
            }
        }
    }
}

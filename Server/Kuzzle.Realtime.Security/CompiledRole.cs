using System.Collections.Frozen;

namespace Kuzzle.Realtime.Security;

/// <summary>
/// A role compiled for per-request checks (security.md §3.1): one frozen lookup for the controller entry (exact
/// name, the <c>ms</c>/<c>memoryStorage</c> alias and the <c>*</c> entry pre-resolved) and one for the action,
/// whose <c>*</c> fallback is pre-resolved. No allocation per check.
/// </summary>
public sealed class CompiledRole
{
    private readonly FrozenDictionary<string, ActionTable> _controllers;
    private readonly ActionTable? _anyController;

    private CompiledRole(Role definition, FrozenDictionary<string, ActionTable> controllers, ActionTable? anyController)
    {
        Definition = definition;
        _controllers = controllers;
        _anyController = anyController;
    }

    public string Id => Definition.Id;

    /// <summary>The role this table was compiled from (the rights listing walks it).</summary>
    public Role Definition { get; }

    public static CompiledRole Compile(Role role)
    {
        ArgumentNullException.ThrowIfNull(role);
        var tables = new Dictionary<string, ActionTable>(StringComparer.Ordinal);
        foreach (var entry in role.Controllers)
        {
            tables[entry.Name] = new ActionTable(entry.Actions);
        }

        // A specific entry shadows "*" entirely, so the alias only replaces lookups of the two alias names.
        var memoryStorage = tables.GetValueOrDefault("ms") ?? tables.GetValueOrDefault("memoryStorage");
        if (memoryStorage is not null)
        {
            tables["ms"] = memoryStorage;
            tables["memoryStorage"] = memoryStorage;
        }

        var anyController = tables.GetValueOrDefault("*");
        return new CompiledRole(role, tables.ToFrozenDictionary(StringComparer.Ordinal), anyController);
    }

    /// <summary>Whether this role allows <paramref name="controller"/>:<paramref name="action"/> (§3.1).</summary>
    public bool IsActionAllowed(string controller, string action)
    {
        var table = _controllers.GetValueOrDefault(controller) ?? _anyController;
        return table is not null && table.IsAllowed(action);
    }

    private sealed class ActionTable
    {
        private readonly FrozenDictionary<string, bool> _actions;
        private readonly bool _otherwise;

        public ActionTable(IReadOnlyList<KeyValuePair<string, bool>> actions)
        {
            var map = new Dictionary<string, bool>(StringComparer.Ordinal);
            foreach (var (name, allowed) in actions)
            {
                map[name] = allowed;
            }

            // An action absent from the entry gets the entry's "*" value, or is denied.
            _otherwise = map.GetValueOrDefault("*");
            _actions = map.ToFrozenDictionary(StringComparer.Ordinal);
        }

        public bool IsAllowed(string action) => _actions.TryGetValue(action, out var allowed) ? allowed : _otherwise;
    }
}

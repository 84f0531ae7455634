using System.Collections.Frozen;
using Kuzzle.Realtime.Protocol.Responses;

namespace Kuzzle.Realtime.Server.Api;

/// <summary>An API action: reads the request, returns its result (null writes <c>null</c>).</summary>
public delegate ValueTask<ApiResult?> ApiAction(RequestContext context, CancellationToken cancellationToken);

/// <summary>A controller registers its actions, in the declaration order <c>server:publicApi</c> lists them.</summary>
public interface IApiController
{
    /// <summary>Controller name on the wire.</summary>
    string Name { get; }

    /// <summary>Adds every action to the table.</summary>
    void Register(ControllerTableBuilder table);
}

/// <summary>Collects actions at startup.</summary>
public sealed class ControllerTableBuilder
{
    private readonly List<(string Controller, string Action, ApiAction Handler)> _actions = [];

    /// <summary>Adds one action.</summary>
    public ControllerTableBuilder Add(string controller, string action, ApiAction handler)
    {
        if (_actions.Exists(a => a.Controller == controller && a.Action == action))
        {
            throw new InvalidOperationException($"Action {controller}:{action} is registered twice.");
        }

        _actions.Add((controller, action, handler));
        return this;
    }

    /// <summary>Freezes the table.</summary>
    public ControllerTable Build() => new(_actions);
}

/// <summary>
/// Controller → action → handler, built once at startup; the hot path is two frozen-dictionary lookups, no reflection.
/// </summary>
public sealed class ControllerTable
{
    private readonly FrozenDictionary<string, FrozenDictionary<string, ApiAction>> _table;

    internal ControllerTable(IEnumerable<(string Controller, string Action, ApiAction Handler)> actions)
    {
        var list = actions.ToList();
        Controllers = list.Select(a => a.Controller).Distinct().ToArray();
        ActionsInOrder = list.Select(a => (a.Controller, a.Action)).ToArray();
        _table = list.GroupBy(a => a.Controller, StringComparer.Ordinal)
            .ToFrozenDictionary(
                g => g.Key,
                g => g.ToFrozenDictionary(a => a.Action, a => a.Handler, StringComparer.Ordinal),
                StringComparer.Ordinal);
    }

    /// <summary>Controller names in registration order.</summary>
    public IReadOnlyList<string> Controllers { get; }

    /// <summary>Every (controller, action) in declaration order.</summary>
    public IReadOnlyList<(string Controller, string Action)> ActionsInOrder { get; }

    /// <summary>True when the controller exists.</summary>
    public bool HasController(string controller) => _table.ContainsKey(controller);

    /// <summary>True when the action exists.</summary>
    public bool HasAction(string controller, string action) =>
        _table.TryGetValue(controller, out var actions) && actions.ContainsKey(action);

    /// <summary>Finds a handler.</summary>
    public bool TryGet(string controller, string action, out ApiAction handler)
    {
        if (_table.TryGetValue(controller, out var actions) && actions.TryGetValue(action, out handler!))
        {
            return true;
        }

        handler = null!;
        return false;
    }
}

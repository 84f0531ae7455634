using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Storage;
using Kuzzle.Realtime.Strategies;
using Kuzzle.Realtime.Strategies.Local;
using Microsoft.Extensions.Configuration;

namespace Kuzzle.Realtime.Server.Security.Strategies;

/// <summary>
/// The authentication strategies enabled on this node, in registration order (<c>auth:getStrategies</c>). Configuration
/// (<c>Kuzzle:Auth:Strategies:&lt;name&gt;</c>): <c>Enabled</c>, <c>Assembly</c> (path of a plugin assembly; the built-in
/// <c>local</c> needs none) and <c>Options</c> (the strategy's own settings). Only <c>local</c> is enabled by default.
/// </summary>
public sealed class StrategyRegistry : IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly List<string> _names;
    private readonly ConcurrentDictionary<string, IAuthenticationStrategy> _strategies = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    private StrategyRegistry(List<string> names) => _names = names;

    /// <summary>Enabled strategy names, in registration order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Finds an enabled strategy; false while it is still waiting for its store (e.g. Redis down at startup).</summary>
    public bool TryGet(string name, out IAuthenticationStrategy strategy) => _strategies.TryGetValue(name, out strategy!);

    /// <summary>
    /// Creates the enabled strategies. A bad plugin or bad options stop the startup with <see cref="StrategyConfigurationException"/>; a
    /// store that does not answer does not: the strategy is created in the background as soon as the store is back.
    /// </summary>
    public static async Task<StrategyRegistry> CreateAsync(
        IConfiguration configuration, IDocumentStore documents, TimeProvider time, CancellationToken cancellationToken, IStrategyUserDirectory? users = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Kuzzle:Auth:Strategies");
        var configured = section.GetChildren().Select(c => c.Key).ToList();
        if (!configured.Contains("local", StringComparer.Ordinal))
        {
            configured.Insert(0, "local");
        }

        var pending = new List<(StrategyPlugin Plugin, StrategyContext Context)>();
        var names = new List<string>();
        foreach (var name in configured)
        {
            var entry = section.GetSection(name);
            if (entry["Enabled"] is { } flag && !bool.Parse(flag))
            {
                continue;
            }

            var plugin = LoadPlugin(name, entry["Assembly"]);
            names.Add(name);
            pending.Add((plugin, new StrategyContext(name, ToJson(entry.GetSection("Options")), new DocumentCredentialStore(documents, name), time) { Users = users }));
        }

        var registry = new StrategyRegistry(names);
        foreach (var (plugin, context) in pending)
        {
            try
            {
                registry._strategies[context.Name] = await plugin.CreateAsync(context, cancellationToken);
            }
            catch (StorageUnavailableException)
            {
                _ = registry.RetryAsync(plugin, context);
            }
        }

        return registry;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        foreach (var s in _strategies.Values.OfType<IDisposable>())
        {
            s.Dispose();
        }
    }

    private async Task RetryAsync(StrategyPlugin plugin, StrategyContext context)
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RetryDelay, token);
                _strategies[context.Name] = await plugin.CreateAsync(context, token);
                return;
            }
            catch (StorageUnavailableException)
            {
                // Still down: try again.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static StrategyPlugin LoadPlugin(string name, string? assemblyPath)
    {
        if (assemblyPath is null)
        {
            return name == "local"
                ? new LocalStrategyPlugin()
                : throw new StrategyConfigurationException($"Strategy \"{name}\" is enabled but names no plugin assembly (Kuzzle:Auth:Strategies:{name}:Assembly).");
        }

        var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.GetFullPath(assemblyPath));
        var plugins = StrategyPlugin.FromAssembly(assembly);
        if (plugins.Count == 0)
        {
            throw new StrategyConfigurationException($"{assemblyPath} declares no strategy plugin.");
        }

        return plugins.FirstOrDefault(p => p.DefaultName == name) ?? plugins[0];
    }

    // Configuration values are strings: numbers and booleans are restored so options read like the JSON a user wrote.
    internal static JsonElement ToJson(IConfigurationSection section)
    {
        var node = ToNode(section);
        return node is null ? default : JsonSerializer.SerializeToElement(node, Hosting.ServerJsonContext.Default.JsonNode);
    }

    private static JsonNode? ToNode(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return section.Value is { } v ? Scalar(v) : null;
        }

        if (children.All(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return new JsonArray(children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture)).Select(ToNode).ToArray());
        }

        var obj = new JsonObject();
        foreach (var c in children)
        {
            obj[c.Key] = ToNode(c);
        }

        return obj;
    }

    private static JsonValue Scalar(string value) =>
        value switch
        {
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && value.Trim() == value => JsonValue.Create(d),
            _ => JsonValue.Create(value),
        };
}

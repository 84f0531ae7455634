using System.Reflection;
using System.Text.Json;

namespace Kuzzle.Realtime.Strategies;

/// <summary>
/// The entry point of a strategy packaged in its own assembly. The host enables a strategy by configuration: it loads
/// the assembly, finds the <see cref="StrategyPluginAttribute"/>, instantiates the named type (public parameterless
/// constructor) and calls <see cref="CreateAsync"/> once per configured strategy name at startup.
/// </summary>
public abstract class StrategyPlugin
{
    /// <summary>The default strategy name (local: <c>local</c>); configuration may register it under another name.</summary>
    public abstract string DefaultName { get; }

    /// <summary>Builds the strategy: parses the configuration, prepares storage (one-time secrets …). Errors abort startup.</summary>
    /// <exception cref="StrategyConfigurationException">The configuration is invalid.</exception>
    public abstract ValueTask<IAuthenticationStrategy> CreateAsync(StrategyContext context, CancellationToken cancellationToken = default);

    /// <summary>Instantiates every plugin an assembly names with <see cref="StrategyPluginAttribute"/>.</summary>
    /// <exception cref="StrategyConfigurationException">A named type is not a concrete <see cref="StrategyPlugin"/> with a public parameterless constructor.</exception>
    public static IReadOnlyList<StrategyPlugin> FromAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var plugins = new List<StrategyPlugin>();
        foreach (var attribute in assembly.GetCustomAttributes<StrategyPluginAttribute>())
        {
            var type = attribute.PluginType;
            if (!typeof(StrategyPlugin).IsAssignableFrom(type) || type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
            {
                throw new StrategyConfigurationException($"{assembly.GetName().Name}: {type.FullName} is not a concrete StrategyPlugin with a public parameterless constructor");
            }

            plugins.Add((StrategyPlugin)Activator.CreateInstance(type)!);
        }

        return plugins;
    }
}

/// <summary>Names the <see cref="StrategyPlugin"/> type an assembly exports.</summary>
/// <param name="pluginType">A public non-abstract subclass of <see cref="StrategyPlugin"/> with a parameterless constructor.</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class StrategyPluginAttribute(Type pluginType) : Attribute
{
    /// <summary>The <see cref="StrategyPlugin"/> subclass.</summary>
    public Type PluginType { get; } = pluginType;
}

/// <summary>What the host gives a strategy when creating it. No service provider: everything a strategy may use is here.</summary>
/// <param name="Name">The name the strategy is registered under.</param>
/// <param name="Configuration">
/// The strategy's configuration object (Kuzzle: <c>plugins.&lt;plugin name&gt;</c>); <see cref="JsonValueKind.Undefined"/> when none.
/// </param>
/// <param name="Store">Private persistence for this strategy.</param>
/// <param name="Time">The clock (tests use a fake one).</param>
public sealed record StrategyContext(string Name, JsonElement Configuration, IStrategyCredentialStore Store, TimeProvider Time)
{
    /// <summary>Receives the strategy's log lines; ignored when null. Messages never contain secrets.</summary>
    public Action<StrategyLogLevel, string>? Log { get; init; }

    /// <summary>Read access to Kuzzle users' profiles and roles, for rules that depend on them (local: password policies).</summary>
    public IStrategyUserDirectory? Users { get; init; }
}

/// <summary>Severity of a strategy log line.</summary>
public enum StrategyLogLevel
{
    /// <summary>Diagnostics.</summary>
    Debug,

    /// <summary>Normal operation.</summary>
    Information,

    /// <summary>Something to look at (deprecated settings, fallbacks).</summary>
    Warning,

    /// <summary>A failure the strategy recovered from.</summary>
    Error,
}

/// <summary>
/// The host's view of Kuzzle users: read access for strategies whose rules depend on profiles and roles, and user
/// provisioning for strategies that create a user on the first login of an external identity (OAuth, LDAP).
/// </summary>
public interface IStrategyUserDirectory
{
    /// <summary>The user's profiles and the roles those profiles grant, or null when the user does not exist (yet).</summary>
    ValueTask<StrategyUserSecurity?> GetUserSecurityAsync(string kuid, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a Kuzzle user, validated like <c>security:createUser</c> (profiles must exist). Throws a client error
    /// (for example 412 when <see cref="StrategyNewUser.Kuid"/> is taken) that the strategy may let through.
    /// </summary>
    /// <returns>The new user's kuid (generated when <see cref="StrategyNewUser.Kuid"/> is null).</returns>
    ValueTask<string> CreateUserAsync(StrategyNewUser user, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("This host does not provision users.");

    /// <summary>
    /// Deletes a user this strategy has just created, when storing its credentials failed (for example a concurrent first
    /// login of the same identity won). Not for general user deletion: the host's own <c>security:deleteUser</c> does that.
    /// </summary>
    ValueTask DeleteProvisionedUserAsync(string kuid, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("This host does not provision users.");
}

/// <summary>A user to create on the first login of an external identity.</summary>
/// <param name="Kuid">The kuid to use, or null to let the host generate one.</param>
/// <param name="ProfileIds">The user's profiles (at least one).</param>
/// <param name="Content">Other content keys of the user (<c>profileIds</c> is ignored here), or null.</param>
public sealed record StrategyNewUser(string? Kuid, IReadOnlyList<string> ProfileIds, System.Text.Json.Nodes.JsonObject? Content = null);

/// <summary>A user's profiles and the roles they grant.</summary>
/// <param name="ProfileIds">The user's <c>profileIds</c>.</param>
/// <param name="RoleIds">Every <c>roleId</c> of those profiles' policies.</param>
public sealed record StrategyUserSecurity(IReadOnlyList<string> ProfileIds, IReadOnlyList<string> RoleIds);

/// <summary>A strategy's configuration is invalid; the host reports it and stops at startup.</summary>
public sealed class StrategyConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StrategyConfigurationException()
        : base("Invalid strategy configuration.")
    {
    }

    /// <summary>Creates the exception with a message naming the faulty setting.</summary>
    public StrategyConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the parsing error.</summary>
    public StrategyConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

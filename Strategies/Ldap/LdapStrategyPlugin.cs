using Kuzzle.Realtime.Strategies;
using Kuzzle.Realtime.Strategies.Ldap;

[assembly: StrategyPlugin(typeof(LdapStrategyPlugin))]

namespace Kuzzle.Realtime.Strategies.Ldap;

/// <summary>Registers the <c>ldap</c> strategy (options: <see cref="LdapOptions"/>).</summary>
public sealed class LdapStrategyPlugin : StrategyPlugin
{
    /// <inheritdoc />
    public override string DefaultName => "ldap";

    /// <inheritdoc />
    public override ValueTask<IAuthenticationStrategy> CreateAsync(StrategyContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = LdapOptions.Parse(context.Name, context.Configuration);
        return ValueTask.FromResult<IAuthenticationStrategy>(new LdapStrategy(context, options, new DirectoryClient(context.Name, options)));
    }
}

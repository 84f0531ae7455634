using Kuzzle.Realtime.Strategies;
using Kuzzle.Realtime.Strategies.Local;

[assembly: StrategyPlugin(typeof(LocalStrategyPlugin))]

namespace Kuzzle.Realtime.Strategies.Local;

/// <summary>Registers the <c>local</c> strategy (configuration: Kuzzle's <c>plugins.kuzzle-plugin-auth-passport-local</c> keys, see <see cref="LocalStrategyOptions"/>).</summary>
public sealed class LocalStrategyPlugin : StrategyPlugin
{
    /// <inheritdoc />
    public override string DefaultName => "local";

    /// <inheritdoc />
    public override async ValueTask<IAuthenticationStrategy> CreateAsync(StrategyContext context, CancellationToken cancellationToken = default) =>
        await LocalStrategy.CreateAsync(context, cancellationToken: cancellationToken);
}

using Kuzzle.Realtime.Strategies;
using Kuzzle.Realtime.Strategies.OAuth;

[assembly: StrategyPlugin(typeof(OAuthStrategyPlugin))]

namespace Kuzzle.Realtime.Strategies.OAuth;

/// <summary>
/// Registers one OAuth 2.0 / OpenID Connect strategy per configured provider: each <c>Kuzzle:Auth:Strategies:&lt;provider&gt;</c>
/// entry naming this assembly becomes a strategy of that name (options: <see cref="OAuthOptions"/>).
/// </summary>
public sealed class OAuthStrategyPlugin : StrategyPlugin
{
    /// <inheritdoc />
    public override string DefaultName => "oauth";

    /// <inheritdoc />
    public override ValueTask<IAuthenticationStrategy> CreateAsync(StrategyContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = OAuthOptions.Parse(context.Name, context.Configuration);
        return ValueTask.FromResult<IAuthenticationStrategy>(new OAuthStrategy(context, options, new ProviderClient(context.Name, options)));
    }
}

using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Server.Security.Strategies;
using Kuzzle.Realtime.Strategies;

namespace Kuzzle.Realtime.Server.Security;

/// <summary>A strategy's own error as the client sees it: a catalogued id when we know it, else the plugin's status and message.</summary>
public static class StrategyErrors
{
    /// <summary>Maps <paramref name="exception"/> to the API error (one mapping for every caller: <see cref="StrategyCalls"/>).</summary>
    public static KuzzleException From(StrategyException exception) => StrategyCalls.ToKuzzleError(exception);
}

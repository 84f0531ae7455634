using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Security.Store;
using Kuzzle.Realtime.Strategies;

namespace Kuzzle.Realtime.Server.Security;

/// <summary>A strategy's own error as the client sees it: a catalogued id when we know it, else the plugin's status and message.</summary>
public static class StrategyErrors
{
    /// <summary>Maps <paramref name="exception"/> to the API error.</summary>
    public static KuzzleException From(StrategyException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.ErrorId is { } id && SecurityErrors.Find(id) is { } definition
            ? definition.Create([.. exception.MessageArguments])
            : KuzzleException.AdHoc(exception.Status, exception.Message);
    }
}

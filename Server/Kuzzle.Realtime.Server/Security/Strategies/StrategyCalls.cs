using System.Collections.Frozen;
using System.Text.Json;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Requests;
using Kuzzle.Realtime.Strategies;

namespace Kuzzle.Realtime.Server.Security.Strategies;

/// <summary>How the server calls strategies: request conversion, and their failures turned into Kuzzle errors (auth.md §2.7).</summary>
public static class StrategyCalls
{
    private static readonly FrozenDictionary<string, ErrorDefinition> Catalogue =
        KuzzleErrors.All.ToFrozenDictionary(d => d.Id, StringComparer.Ordinal);

    /// <summary>
    /// A strategy failure as a Kuzzle error: Kuzzle errors pass through; catalogued strategy errors keep their id; uncatalogued ones
    /// keep their status and message without id (as the local plugin's do); anything else is <c>plugin.runtime.unexpected_error</c>.
    /// Details (e.g. a password reset token) never reach the wire.
    /// </summary>
    public static KuzzleException ToKuzzleError(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            KuzzleException kuzzle => kuzzle,
            StrategyException { ErrorId: { } id } s when Catalogue.TryGetValue(id, out var definition) =>
                new KuzzleException(definition, s.Message, [.. s.MessageArguments]),
            StrategyException s => KuzzleException.AdHoc(s.Status, s.Message),
            _ => KuzzleErrors.Plugin.Runtime.UnexpectedError.Create(exception.Message),
        };
    }

    /// <summary>Runs a strategy method, converting its failures.</summary>
    public static async ValueTask<T> RunAsync<T>(Func<ValueTask<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw ToKuzzleError(ex);
        }
    }

    /// <summary>Runs a strategy method without result, converting its failures.</summary>
    public static async ValueTask RunAsync(Func<ValueTask> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            await call();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw ToKuzzleError(ex);
        }
    }

    /// <summary>The request's arguments as strategies see them (passport's <c>query</c>).</summary>
    public static Dictionary<string, JsonElement> Arguments(RequestInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var arguments = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in input.EnumerateArgs())
        {
            arguments[p.Name] = p.Value;
        }

        return arguments;
    }

    /// <summary>The registered strategy named by the <c>strategy</c> argument, or the spec's errors.</summary>
    public static IAuthenticationStrategy Resolve(StrategyRegistry registry, RequestInput input)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(input);
        var name = input.GetString("strategy");
        return registry.TryGet(name, out var strategy)
            ? strategy
            : throw KuzzleErrors.Security.Credentials.UnknownStrategy.Create(name);
    }
}

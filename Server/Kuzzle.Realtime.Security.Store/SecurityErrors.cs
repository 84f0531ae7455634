using System.Collections.Frozen;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Storage;

namespace Kuzzle.Realtime.Security.Store;

/// <summary>Turns the security library's and the store's failures into the catalogued API errors clients see.</summary>
public static class SecurityErrors
{
    private static readonly FrozenDictionary<string, ErrorDefinition> ById =
        KuzzleErrors.All.ToFrozenDictionary(d => d.Id, StringComparer.Ordinal);

    /// <summary>The catalogue entry of <paramref name="id"/>, if any.</summary>
    public static ErrorDefinition? Find(string id) => ById.GetValueOrDefault(id);

    /// <summary>A rule of security.md broken: same id and placeholders.</summary>
    public static KuzzleException From(SecurityValidationException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return ById.TryGetValue(exception.ErrorId, out var definition)
            ? definition.Create([.. exception.Props])
            : KuzzleErrors.Core.Fatal.UnexpectedError.Create(exception.Message);
    }

    /// <summary>
    /// The security store does not answer. WARNING: callers deciding rights must surface this as an error, never as "allowed".
    /// </summary>
    public static KuzzleException Unavailable(StorageUnavailableException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return KuzzleErrors.Services.Cache.NotConnected.Create();
    }

    /// <summary>Awaits a store operation, turning an unreachable store into <see cref="Unavailable"/>.</summary>
    public static async Task<T> GuardAsync<T>(Task<T> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        try
        {
            return await operation.ConfigureAwait(false);
        }
        catch (StorageUnavailableException e)
        {
            throw Unavailable(e);
        }
    }

    /// <summary>Awaits a store operation without result, turning an unreachable store into <see cref="Unavailable"/>.</summary>
    public static async Task GuardAsync(Task operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        try
        {
            await operation.ConfigureAwait(false);
        }
        catch (StorageUnavailableException e)
        {
            throw Unavailable(e);
        }
    }

    /// <summary>Runs <paramref name="action"/>, translating library exceptions to API errors.</summary>
    internal static async Task<T> Translate<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (SecurityValidationException e)
        {
            throw From(e);
        }
        catch (StorageUnavailableException e)
        {
            throw Unavailable(e);
        }
    }

    /// <summary>Parses with the security library, translating its exception.</summary>
    internal static T Parse<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (SecurityValidationException e)
        {
            throw From(e);
        }
    }
}

using StackExchange.Redis;

namespace Kuzzle.Realtime.Storage.Redis;

/// <summary>Runs Redis calls under the operation timeout and turns every "Redis is not there" failure into one exception type.</summary>
internal sealed class RedisExecutor(TimeSpan operationTimeout)
{
    public async Task<T> RunAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            // StackExchange.Redis takes no CancellationToken; WaitAsync bounds our wait (the command itself may still complete).
            return await operation().WaitAsync(operationTimeout, cancellationToken);
        }
        catch (RedisConnectionException e)
        {
            throw new StorageUnavailableException("Redis is not connected.", e);
        }
        catch (TimeoutException e)
        {
            // Includes RedisTimeoutException.
            throw new StorageUnavailableException("Redis did not answer in time.", e);
        }
        catch (RedisServerException e) when (IsTransient(e))
        {
            throw new StorageUnavailableException("Redis cannot serve requests right now.", e);
        }
    }

    public Task RunAsync(Func<Task> operation, CancellationToken cancellationToken)
        => RunAsync(
            async () =>
            {
                await operation();
                return true;
            },
            cancellationToken);

    // Replies a healthy but busy, loading or failing-over server gives.
    private static bool IsTransient(RedisServerException e)
        => e.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || e.Message.StartsWith("BUSY", StringComparison.Ordinal)
            || e.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
            || e.Message.StartsWith("READONLY", StringComparison.Ordinal)
            || e.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal);
}

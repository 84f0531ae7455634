namespace Kuzzle.Realtime.Client.Tests.Support;

/// <summary>Waiting on conditions instead of sleeping.</summary>
public static class Wait
{
    /// <summary>Completes when <paramref name="condition"/> holds; fails the test after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting for: {what}");
            }

            // Polls a condition set by the client's background tasks (real sockets, real server).
            await Task.Delay(10);
        }
    }

    /// <summary>Awaits a task with a deadline; fails the test when it is not done in time.</summary>
    public static async Task<T> ForAsync<T>(Task<T> task, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(task);
        try
        {
            return await task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting for: {what}");
            throw;
        }
    }
}

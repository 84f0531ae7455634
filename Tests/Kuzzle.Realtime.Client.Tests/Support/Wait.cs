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

    /// <summary>Completes when the asynchronous <paramref name="condition"/> holds (e.g. a server answer); fails the test
    /// after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting for: {what}");
            }

            // Polls the real server, whose token clock is not ours to drive.
            await Task.Delay(50);
        }
    }
}

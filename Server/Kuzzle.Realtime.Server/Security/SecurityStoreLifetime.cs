using Kuzzle.Realtime.Security.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kuzzle.Realtime.Server.Security;

/// <summary>
/// Seeds the built-in roles and profiles and starts the rights service's invalidation listening with the host; logs the epoch
/// checks that fail (rights are then forgotten once the store answers again).
/// </summary>
public sealed partial class SecurityStoreLifetime(SecurityStore store, ILogger<SecurityStoreLifetime> logger) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        store.Rights.PollFailed += OnPollFailed;
        return store.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        store.Rights.PollFailed -= OnPollFailed;
        await store.DisposeAsync();
    }

    private void OnPollFailed(Exception exception) => LogPollFailed(exception.GetType().Name, exception.Message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Security epoch check failed ({Type}: {Reason}); cached rights are dropped once the store answers again")]
    private partial void LogPollFailed(string type, string reason);
}

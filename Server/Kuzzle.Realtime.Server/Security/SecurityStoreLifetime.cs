using Kuzzle.Realtime.Security.Store;
using Microsoft.Extensions.Hosting;

namespace Kuzzle.Realtime.Server.Security;

/// <summary>Seeds the built-in roles and profiles and starts the rights service's invalidation listening with the host.</summary>
public sealed class SecurityStoreLifetime(SecurityStore store) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => store.StartAsync(cancellationToken);

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken) => await store.DisposeAsync();
}

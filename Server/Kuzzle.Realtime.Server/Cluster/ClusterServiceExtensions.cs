using Kuzzle.Realtime.Server.Configuration;
using Kuzzle.Realtime.Server.Network;
using Kuzzle.Realtime.Server.Realtime;
using Kuzzle.Realtime.Server.Storage;
using Kuzzle.Realtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kuzzle.Realtime.Server.Cluster;

/// <summary>DI wiring of the cluster link: Redis-backed when the node runs with <c>--redis</c>, a no-op otherwise.</summary>
public static class ClusterServiceExtensions
{
    /// <summary>Registers <see cref="IRealtimeCluster"/>, <see cref="ClusterMetrics"/> and, with Redis, the link's background loops.</summary>
    public static IServiceCollection AddRealtimeCluster(this IServiceCollection services, ServerStorage storage, KuzzleOptions options)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton<ClusterMetrics>();
        if (storage.Redis is not RedisStorage redis)
        {
            services.AddSingleton<IRealtimeCluster>(SingleNodeRealtime.Instance);
            return services;
        }

        services.AddSingleton(sp => new RedisRealtimeCluster(
            redis, sp.GetRequiredService<NodeIdentity>().Id, options.Cluster, sp.GetRequiredService<ClusterMetrics>(),
            () => sp.GetRequiredService<HotelClerk>(), sp.GetRequiredService<Notifier>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RedisRealtimeCluster>>()));
        services.AddSingleton<IRealtimeCluster>(sp => sp.GetRequiredService<RedisRealtimeCluster>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisRealtimeCluster>());
        return services;
    }
}

using System.Net;
using Kuzzle.Realtime.Server.Api;
using Kuzzle.Realtime.Server.Api.Controllers;
using Kuzzle.Realtime.Server.Cluster;
using Kuzzle.Realtime.Server.Configuration;
using Kuzzle.Realtime.Server.Diagnostics;
using Kuzzle.Realtime.Server.Network;
using Kuzzle.Realtime.Server.Network.Http;
using Kuzzle.Realtime.Server.Network.WebSockets;
using Kuzzle.Realtime.Server.Security;
using Kuzzle.Realtime.Server.Storage;
using Kuzzle.Realtime.Koncorde;
using Kuzzle.Realtime.Server.Realtime;
using Kuzzle.Realtime.Server.Security.Strategies;
using Kuzzle.Realtime.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kuzzle.Realtime.Server.Hosting;

/// <summary>Bad configuration, reported before anything starts.</summary>
public sealed class ConfigurationException(IReadOnlyList<string> errors)
    : Exception("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
{
    /// <summary>One line per problem.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>Builds and runs the server: configuration, composition and the single listener.</summary>
public static class ServerHost
{
    private static readonly Dictionary<string, string> SwitchMappings = new(StringComparer.Ordinal)
    {
        ["--port"] = "Kuzzle:Server:Port",
        ["--host"] = "Kuzzle:Server:Host",
        ["--data"] = "Kuzzle:Server:Data",
        ["--redis"] = "Kuzzle:Server:Redis",
        ["--node-id"] = "Kuzzle:Server:NodeId",
    };

    /// <summary>
    /// Builds the application and opens its stores; throws <see cref="ConfigurationException"/> on bad settings and
    /// <see cref="IOException"/> when the data directory is unusable (e.g. locked by another node).
    /// </summary>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        builder.Configuration.AddCommandLine(args, SwitchMappings);

        var options = new KuzzleOptions();
        try
        {
            builder.Configuration.GetSection(KuzzleOptions.Section).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            throw new ConfigurationException([ex.Message]);
        }

        var settings = EffectiveSettings.Create(options, out var errors);
        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors);
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical); // Start failures are reported in one line by RunAsync.

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // Bounded by our own reader, so oversize bodies get Kuzzle's bare 413.
            var httpLimits = options.Server.Http;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromMilliseconds(httpLimits.RequestHeadersTimeout);
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromMilliseconds(httpLimits.KeepAliveTimeout);
            kestrel.Limits.MaxRequestHeadersTotalSize = httpLimits.MaxRequestHeadersTotalSize;
            kestrel.Limits.MaxRequestLineSize = httpLimits.MaxRequestLineSize;
            kestrel.Limits.MinRequestBodyDataRate = httpLimits.MinRequestBodyDataRate == 0
                ? null
                : new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(httpLimits.MinRequestBodyDataRate, TimeSpan.FromSeconds(5));
            var host = options.Server.Host;
            if (host == "localhost")
            {
                kestrel.ListenLocalhost(options.Server.Port);
            }
            else
            {
                kestrel.Listen(host is "0.0.0.0" or "*" ? IPAddress.Any : IPAddress.Parse(host), options.Server.Port);
            }
        });

        var storage = await ServerStorage.OpenAsync(options.Server.Data, options.Server.Redis, CancellationToken.None);
        StrategyRegistry strategies;
        TokenService tokens;
        var strategyUsers = new StrategyUserDirectory();
        try
        {
            strategies = await StrategyRegistry.CreateAsync(builder.Configuration, storage.Shared.Documents, TimeProvider.System, CancellationToken.None, strategyUsers);
            tokens = await TokenService.CreateAsync(options.Security.AuthToken, storage.Shared, TimeProvider.System, CancellationToken.None);
        }
        catch
        {
            await storage.DisposeAsync();
            throw;
        }

        var services = builder.Services;
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(options.Server.ShutdownGracePeriod));
        services.AddSingleton(_ => storage); // Factory-registered, so the container disposes it when the app is disposed.
        services.AddSingleton(_ => strategies);
        services.AddSingleton(_ => tokens);
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new NodeIdentity(options.Server.NodeId));
        services.AddSingleton<ServerInfo>();
        services.AddSingleton<ApiMetrics>();
        services.AddSingleton<ServiceHealth>();
        services.AddSingleton(sp =>
        {
            var gate = new RequestGate(options.Limits.ConcurrentRequests, options.Limits.RequestsBufferSize, options.Limits.RequestsBufferWarningThreshold);
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Kuzzle.Realtime.Overload");
            gate.Overloaded += pending => logger.LogWarning("Request buffer reached {Pending} waiting requests (warning threshold)", pending);
            return gate;
        });
        services.AddSingleton<UserRateLimiter>();
        services.AddSingleton(sp => new OriginPolicy(options.Server.Http));
        services.AddSingleton<ResponseFrames>();
        services.AddSingleton<StatsRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<StatsRecorder>());
        services.AddSingleton(_ => new SendQueueBudget(options.Limits.SendQueueTotalBytes));
        services.AddSingleton<ConnectionRegistry>();
        services.AddHostedService(sp => sp.GetRequiredService<ConnectionRegistry>());
        services.AddSingleton<TokenLinks>();
        services.AddHostedService(sp => sp.GetRequiredService<TokenLinks>());
        services.AddSingleton<IAuthenticator, TokenAuthenticator>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton(sp => new Kuzzle.Realtime.Security.Store.SecurityStore(storage.Shared, TimeProvider.System));
        services.AddHostedService<SecurityStoreLifetime>();
        services.AddSingleton(sp => sp.GetRequiredService<Kuzzle.Realtime.Security.Store.SecurityStore>().Rights);
        services.AddSingleton(sp => sp.GetRequiredService<Kuzzle.Realtime.Security.Store.SecurityStore>().Users);
        services.AddSingleton<UserLifecycle>();
        services.AddSingleton<PasswordChangeRevocation>();
        services.AddSingleton(new ClientAddress(options.Server.Http.TrustedProxies));
        services.AddHostedService<UserTokenCleanup>();
        services.AddSingleton<IRightsPolicy, StoredRightsPolicy>();
        services.AddSingleton<IAdminDirectory, StoredAdminDirectory>();
        services.AddSingleton(sp => new KoncordeEngine(new KoncordeOptions { MaxConditions = options.Limits.SubscriptionConditionsCount }));
        services.AddSingleton<Notifier>();
        services.AddRealtimeCluster(storage, options);
        services.AddSingleton<HotelClerk>();
        services.AddSingleton<IRealtimeStatistics>(sp => sp.GetRequiredService<HotelClerk>());
        services.AddSingleton(sp => new Lazy<ApiDescription>(() => new ApiDescription(sp.GetRequiredService<ControllerTable>())));
        services.AddSingleton<IApiController, AuthController>();
        services.AddSingleton<IApiController, RealtimeController>();
        services.AddSingleton<IApiController, ServerController>();
        services.AddSingleton<IApiController, SecurityController>();
        services.AddSingleton<IApiController, SecurityTokenActions>();
        services.AddSingleton(sp =>
        {
            var table = new ControllerTableBuilder();
            foreach (var controller in sp.GetServices<IApiController>())
            {
                controller.Register(table);
            }

            return table.Build();
        });
        services.AddSingleton<Funnel>();
        services.AddSingleton(sp => new HttpRouter(RouteTable.Routes));
        services.AddSingleton<PrometheusExporter>();
        services.AddMetrics();
        services.AddSingleton<KuzzleInstruments>();
        services.AddSingleton<HttpEndpoint>();
        services.AddSingleton<WebSocketEndpoint>();
        configureServices?.Invoke(services);

        var app = builder.Build();
        if (options.Server.Http.CookieAuthentication
            && options.Server.Http.AccessControlAllowOrigin.Split(',', StringSplitOptions.TrimEntries).Contains("*"))
        {
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Kuzzle.Realtime.Security").LogWarning(
                "Cookie authentication is on while Kuzzle:Server:Http:AccessControlAllowOrigin allows every origin (*): any web site "
                + "may make credentialed calls with a visitor's authToken cookie. List the allowed origins, or turn "
                + "Kuzzle:Server:Http:CookieAuthentication off.");
        }

        strategyUsers.Attach(app.Services.GetRequiredService<Kuzzle.Realtime.Security.Store.SecurityStore>());
        storage.RegisterHealth(app.Services.GetRequiredService<ServiceHealth>());
        app.Services.GetRequiredService<KuzzleInstruments>(); // publishes the instruments before the first listener asks
        var configurationLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Kuzzle.Realtime.Configuration");
        foreach (var warning in settings.Warnings)
        {
            configurationLog.LogWarning("{Warning}", warning);
        }

        // Before the WebSocket middleware takes the upgrade feature: WebSockets are created over a stream that batches their writes.
        app.Use((context, next) =>
        {
            if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
            {
                context.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature>(new BatchedUpgradeFeature(upgrade));
            }

            return next(context);
        });
        app.UseWebSockets(new Microsoft.AspNetCore.Builder.WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        var ws = app.Services.GetRequiredService<WebSocketEndpoint>();
        var http = app.Services.GetRequiredService<HttpEndpoint>();
        var wsEnabled = options.Server.WebSocket.Enabled;
        var httpEnabled = options.Server.Http.Enabled;
        app.Run(context =>
        {
            if (context.WebSockets.IsWebSocketRequest)
            {
                if (wsEnabled)
                {
                    return ws.HandleAsync(context);
                }
            }
            else if (httpEnabled)
            {
                return http.HandleAsync(context);
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });

        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var funnel = app.Services.GetRequiredService<Funnel>();
        var registry = app.Services.GetRequiredService<ConnectionRegistry>();

        // Before Kestrel stops: refuse new requests and close the sockets, so Kestrel's own drain does not wait on them.
        lifetime.ApplicationStopping.Register(() =>
        {
            funnel.BeginShutdown();
            _ = registry.CloseAllAsync();
        });
        return app;
    }

    /// <summary>The bound address after start (resolves port 0).</summary>
    public static Uri BoundAddress(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("[::]", "0.0.0.0", StringComparison.Ordinal));
    }

    /// <summary>Runs the server until stopped; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = await BuildAsync(args);
        }
        catch (ConfigurationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }
        catch (FormatException ex)
        {
            await Console.Error.WriteLineAsync("Invalid configuration: " + ex.Message);
            return 2;
        }
        catch (Kuzzle.Realtime.Strategies.StrategyConfigurationException ex)
        {
            await Console.Error.WriteLineAsync("Invalid authentication strategy configuration: " + ex.Message);
            return 2;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException or ArgumentException)
        {
            await Console.Error.WriteLineAsync("Cannot open the store: " + ex.Message);
            return 3;
        }

        await using (app)
        {
            try
            {
                await app.StartAsync();
            }
            catch (IOException ex)
            {
                var settings = app.Services.GetRequiredService<EffectiveSettings>();
                await Console.Error.WriteLineAsync(
                    $"Cannot listen on {settings.Options.Server.Host}:{settings.Options.Server.Port}: {ex.Message} (is another server using this port?)");
                return 1;
            }

            Console.WriteLine(StartupLine(app));
            await app.WaitForShutdownAsync();
            return 0;
        }
    }

    /// <summary>The one line printed at startup: address, node, store and effective limits.</summary>
    public static string StartupLine(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var settings = app.Services.GetRequiredService<EffectiveSettings>();
        var info = app.Services.GetRequiredService<ServerInfo>();
        var node = app.Services.GetRequiredService<NodeIdentity>();
        var server = settings.Options.Server;
        var store = server.Redis is null ? $"embedded ({Path.GetFullPath(server.Data)})" : $"redis (shared state) + embedded ({Path.GetFullPath(server.Data)})";
        var address = BoundAddress(app);
        return $"{ServerInfo.ProductName} {info.ProductVersion} (Kuzzle API {ServerInfo.ApiVersion}) node {node.Id} listening on "
            + $"ws+http://{address.Host}:{address.Port} | store: {store} | limits: {settings.DescribeLimits()}";
    }
}

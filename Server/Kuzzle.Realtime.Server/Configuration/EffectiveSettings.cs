using System.Globalization;
using System.Text;

namespace Kuzzle.Realtime.Server.Configuration;

/// <summary>Validated settings in the units the server uses; building it is where bad configuration is caught.</summary>
public sealed class EffectiveSettings
{
    private EffectiveSettings(KuzzleOptions options, long maxRequestSize, long maxFormFileSize, int idleTimeoutMs)
    {
        Options = options;
        MaxRequestSize = maxRequestSize;
        MaxFormFileSize = maxFormFileSize;
        IdleTimeout = TimeSpan.FromMilliseconds(idleTimeoutMs);
    }

    /// <summary>The bound options.</summary>
    public KuzzleOptions Options { get; }

    /// <summary>Largest request in bytes.</summary>
    public long MaxRequestSize { get; }

    /// <summary>Largest multipart file part in bytes.</summary>
    public long MaxFormFileSize { get; }

    /// <summary>WebSocket idle timeout.</summary>
    public TimeSpan IdleTimeout { get; }

    /// <summary>Settings accepted but ignored or doubtful: logged as warnings at startup.</summary>
    public IReadOnlyList<string> Warnings { get; private init; } = [];

    /// <summary>Validates the options; the returned errors are one line each, fit to print.</summary>
    public static EffectiveSettings Create(KuzzleOptions options, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        var list = new List<string>();
        var server = options.Server;
        if (server.Port is < 0 or > 65535)
        {
            list.Add($"Kuzzle:Server:Port must be between 0 and 65535 (got {server.Port}).");
        }

        if (string.IsNullOrWhiteSpace(server.Host))
        {
            list.Add("Kuzzle:Server:Host must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(server.Data))
        {
            list.Add("Kuzzle:Server:Data must not be empty.");
        }

        if (!ByteSize.TryParse(server.MaxRequestSize, out var maxRequest))
        {
            list.Add($"Kuzzle:Server:MaxRequestSize is not a size (got \"{server.MaxRequestSize}\"; e.g. \"1MB\" or 1048576).");
        }

        try
        {
            _ = new Network.ClientAddress(server.Http.TrustedProxies);
        }
        catch (FormatException)
        {
            list.Add($"Kuzzle:Server:Http:TrustedProxies must list IP addresses or CIDRs, comma separated (got \"{server.Http.TrustedProxies}\").");
        }

        if (!ByteSize.TryParse(server.Http.MaxFormFileSize, out var maxFile))
        {
            list.Add($"Kuzzle:Server:Http:MaxFormFileSize is not a size (got \"{server.Http.MaxFormFileSize}\").");
        }

        var ws = server.WebSocket;
        RequireAtLeast(list, "Kuzzle:Server:WebSocket:MaxConnections", ws.MaxConnections, 1);
        RequireAtLeast(list, "Kuzzle:Server:WebSocket:SendQueueBytes", ws.SendQueueBytes, 1024);
        RequireAtLeast(list, "Kuzzle:Server:WebSocket:SendStallTimeout", ws.SendStallTimeout, 100);
        RequireAtLeast(list, "Kuzzle:Server:WebSocket:MaxPendingRequestsPerConnection", ws.MaxPendingRequestsPerConnection, 1);
        RequireAtLeast(list, "Kuzzle:Server:WebSocket:MaxJsonDepth", ws.MaxJsonDepth, 2);
        RequireAtLeast(list, "Kuzzle:Server:WebSocket:RateLimit", ws.RateLimit, 0);
        RequireAtLeast(list, "Kuzzle:Server:Http:MaxEncodingLayers", server.Http.MaxEncodingLayers, 0);
        RequireAtLeast(list, "Kuzzle:Server:Http:RequestHeadersTimeout", server.Http.RequestHeadersTimeout, 100);
        RequireAtLeast(list, "Kuzzle:Server:Http:KeepAliveTimeout", server.Http.KeepAliveTimeout, 100);
        RequireAtLeast(list, "Kuzzle:Server:Http:MaxRequestHeadersTotalSize", server.Http.MaxRequestHeadersTotalSize, 1024);
        RequireAtLeast(list, "Kuzzle:Server:Http:MaxRequestLineSize", server.Http.MaxRequestLineSize, 1024);
        RequireAtLeast(list, "Kuzzle:Server:Http:MinRequestBodyDataRate", server.Http.MinRequestBodyDataRate, 0);
        RequireAtLeast(list, "Kuzzle:Server:ShutdownGracePeriod", server.ShutdownGracePeriod, 0);

        list.AddRange(options.Security.AuthToken.Validate().Select(e => "Kuzzle:" + e));
        list.AddRange(options.Cluster.Validate().Select(e => "Kuzzle:" + e));
        RequireAtLeast(list, "Kuzzle:Security:TokenExpiryNotice", options.Security.TokenExpiryNotice, 0);
        RequireAtLeast(list, "Kuzzle:Security:LoginThrottle:MaxFailuresPerAccount", options.Security.LoginThrottle.MaxFailuresPerAccount, 0);
        RequireAtLeast(list, "Kuzzle:Security:LoginThrottle:MaxFailuresPerAddress", options.Security.LoginThrottle.MaxFailuresPerAddress, 0);
        RequireAtLeast(list, "Kuzzle:Security:LoginThrottle:Window", options.Security.LoginThrottle.Window, 1000);
        RequireAtLeast(list, "Kuzzle:Security:LoginThrottle:AccountDelayAfter", options.Security.LoginThrottle.AccountDelayAfter, 0);
        RequireAtLeast(list, "Kuzzle:Security:LoginThrottle:MaxAccountDelay", options.Security.LoginThrottle.MaxAccountDelay, 0);

        var limits = options.Limits;
        RequireAtLeast(list, "Kuzzle:Limits:ConcurrentRequests", limits.ConcurrentRequests, 1);
        RequireAtLeast(list, "Kuzzle:Limits:RequestsBufferSize", limits.RequestsBufferSize, 1);
        RequireAtLeast(list, "Kuzzle:Limits:RequestsBufferWarningThreshold", limits.RequestsBufferWarningThreshold, 1);
        RequireAtLeast(list, "Kuzzle:Limits:SendQueueTotalBytes", limits.SendQueueTotalBytes, 0);
        RequireAtLeast(list, "Kuzzle:Limits:LoginsPerSecond", limits.LoginsPerSecond, 1);
        RequireAtLeast(list, "Kuzzle:Limits:SubscriptionConditionsCount", limits.SubscriptionConditionsCount, 1);
        RequireAtLeast(list, "Kuzzle:Limits:SubscriptionMinterms", limits.SubscriptionMinterms, 0);
        RequireAtLeast(list, "Kuzzle:Limits:SubscriptionRooms", limits.SubscriptionRooms, 0);
        RequireAtLeast(list, "Kuzzle:Limits:DocumentsFetchCount", limits.DocumentsFetchCount, 1);
        RequireAtLeast(list, "Kuzzle:Limits:DocumentsWriteCount", limits.DocumentsWriteCount, 1);
        if (limits.ConcurrentRequests >= limits.RequestsBufferSize)
        {
            list.Add("Kuzzle:Limits:ConcurrentRequests must be lower than Kuzzle:Limits:RequestsBufferSize.");
        }

        if (limits.RequestsBufferWarningThreshold < limits.ConcurrentRequests
            || limits.RequestsBufferWarningThreshold > limits.RequestsBufferSize)
        {
            list.Add("Kuzzle:Limits:RequestsBufferWarningThreshold must be between ConcurrentRequests and RequestsBufferSize.");
        }

        RequireAtLeast(list, "Kuzzle:Stats:StatsInterval", options.Stats.StatsInterval, 1);
        RequireAtLeast(list, "Kuzzle:Stats:Ttl", options.Stats.Ttl, 1);

        if (!string.IsNullOrEmpty(server.MetricsPath) && !server.MetricsPath.StartsWith('/'))
        {
            list.Add("Kuzzle:Server:MetricsPath must start with '/'.");
        }

        errors = list;
        var idle = ws.IdleTimeout < 1000 ? 60_000 : ws.IdleTimeout;
        var warnings = new List<string>();
        if (ws.SendQueueFrames is not null)
        {
            warnings.Add("Kuzzle:Server:WebSocket:SendQueueFrames is ignored: send queues are bounded by bytes (SendQueueBytes) and time (SendStallTimeout).");
        }

        return new EffectiveSettings(options, maxRequest, maxFile, idle) { Warnings = warnings };
    }

    /// <summary>The effective limits, for the startup line.</summary>
    public string DescribeLimits()
    {
        var s = Options.Server;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"maxRequestSize={MaxRequestSize}B");
        sb.Append(CultureInfo.InvariantCulture, $" maxConnections={s.WebSocket.MaxConnections}");
        sb.Append(CultureInfo.InvariantCulture, $" concurrentRequests={Options.Limits.ConcurrentRequests}");
        sb.Append(CultureInfo.InvariantCulture, $" requestsBufferSize={Options.Limits.RequestsBufferSize}");
        sb.Append(CultureInfo.InvariantCulture, $" sendQueue={s.WebSocket.SendQueueBytes}B/{s.WebSocket.SendStallTimeout}ms");
        sb.Append(CultureInfo.InvariantCulture, $" idleTimeout={IdleTimeout.TotalMilliseconds}ms");
        sb.Append(CultureInfo.InvariantCulture, $" wsRateLimit={(s.WebSocket.RateLimit == 0 ? "off" : s.WebSocket.RateLimit + "/s")}");
        return sb.ToString();
    }

    private static void RequireAtLeast(List<string> errors, string key, long value, long min)
    {
        if (value < min)
        {
            errors.Add($"{key} must be at least {min} (got {value}).");
        }
    }
}

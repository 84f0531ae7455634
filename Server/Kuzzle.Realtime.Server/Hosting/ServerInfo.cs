using System.Reflection;

namespace Kuzzle.Realtime.Server.Hosting;

/// <summary>What this server is: the Kuzzle API version it speaks and its own product version.</summary>
public sealed class ServerInfo(TimeProvider time)
{
    /// <summary>The Kuzzle API version implemented; clients and the SDK read it.</summary>
    public const string ApiVersion = "2.56.0";

    /// <summary>Our product name.</summary>
    public const string ProductName = "Kuzzle.Realtime";

    /// <summary>Our product version.</summary>
    public string ProductVersion { get; } =
        typeof(ServerInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0.0.0";

    /// <summary>Source commit, when the build recorded one.</summary>
    public string? Commit { get; } =
        typeof(ServerInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+') is [_, var commit] ? commit : null;

    /// <summary>When this node started.</summary>
    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();
}

using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Server.Diagnostics;

/// <summary>A backing service the node depends on, for <c>server:healthCheck</c>, <c>info</c> and <c>capabilities</c>.</summary>
/// <param name="Name">Kuzzle's service name (<c>internalCache</c>, <c>storageEngine</c>, …).</param>
/// <param name="Backend">What implements it (<c>embedded</c>, <c>redis</c>).</param>
/// <param name="PingAsync">True when the service answers.</param>
public sealed record ServiceProbe(string Name, string Backend, Func<CancellationToken, ValueTask<bool>> PingAsync);

/// <summary>The services registered by the storage layer, and their health.</summary>
public sealed class ServiceHealth
{
    private readonly List<ServiceProbe> _probes = [];
    private readonly List<Func<bool>> _readiness = [];

    /// <summary>True when every readiness condition holds (<c>GET /_ready</c>); checked without I/O.</summary>
    public bool IsReady => _readiness.TrueForAll(ready => ready());

    /// <summary>Registers a service.</summary>
    public void Add(ServiceProbe probe) => _probes.Add(probe);

    /// <summary>Registers a condition for readiness (e.g. "Redis is connected"), cheap enough to run on every probe.</summary>
    public void AddReadiness(Func<bool> ready) => _readiness.Add(ready);

    /// <summary>Services by name with their backend.</summary>
    public JsonObject Describe()
    {
        var result = new JsonObject();
        foreach (var p in _probes)
        {
            result[p.Name] = new JsonObject { ["backend"] = p.Backend, ["type"] = p.Backend };
        }

        return result;
    }

    /// <summary>Pings the services (all, or the named ones); a probe that throws or takes over 2 s counts as down.</summary>
    public async Task<(JsonObject Services, bool AllGreen, List<string> Down)> CheckAsync(IReadOnlyCollection<string>? only, CancellationToken cancellationToken)
    {
        var services = new JsonObject();
        var down = new List<string>();
        foreach (var p in _probes.Where(p => only is null || only.Contains(p.Name)))
        {
            bool up;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(2));
                up = await p.PingAsync(timeout.Token);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                up = false;
            }

            services[p.Name] = up ? "green" : "red";
            if (!up)
            {
                down.Add(p.Name);
            }
        }

        return (services, down.Count == 0, down);
    }
}

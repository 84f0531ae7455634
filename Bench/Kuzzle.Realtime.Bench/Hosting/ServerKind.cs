namespace Kuzzle.Realtime.Bench.Hosting;

/// <summary>The two servers a comparison runs side by side.</summary>
public enum ServerKind
{
    /// <summary>This exe's raw Kestrel echo endpoint.</summary>
    Echo,

    /// <summary>The real Kuzzle.Realtime server.</summary>
    Kuzzle,
}

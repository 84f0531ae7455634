namespace Kuzzle.Realtime.Bench.Idle;

/// <summary>Settings of one idle-memory measurement.</summary>
public sealed record IdleOptions
{
    public required Uri Url { get; init; }
    public required int ServerPid { get; init; }
    public int Connections { get; init; } = 5000;
    public int PerProcess { get; init; } = 7500;
    public int Ramp { get; init; } = 100;
    public int WarmupConnections { get; init; } = 200;
    public double SettleSeconds { get; init; } = 5;
    public string Label { get; init; } = "idle";
}

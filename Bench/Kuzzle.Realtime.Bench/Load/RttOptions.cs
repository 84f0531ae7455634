namespace Kuzzle.Realtime.Bench.Load;

/// <summary>Settings of one round-trip run.</summary>
public sealed record RttOptions
{
    public required Uri Url { get; init; }
    public int Connections { get; init; } = 100;
    public int Ramp { get; init; } = 100;
    public double WarmupSeconds { get; init; } = 2;
    public double DurationSeconds { get; init; } = 10;
    public string Payload { get; init; } = PayloadTemplate.ServerNow;
    public double RequestTimeoutSeconds { get; init; } = 5;
    public double ConnectTimeoutSeconds { get; init; } = 10;
    public int? ServerPid { get; init; }
    public bool Progress { get; init; } = true;
    public string Label { get; init; } = "rtt";

    /// <summary>Longest wait for a quiet machine before connecting (0 = do not wait).</summary>
    public double QuietWaitSeconds { get; init; }
}

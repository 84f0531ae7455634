namespace Kuzzle.Realtime.Bench.Idle;

/// <summary>Server memory before and after N idle sockets were opened, and what it costs per socket.</summary>
public sealed record IdleResult
{
    public required string Label { get; init; }
    public required int Requested { get; init; }
    public required int Opened { get; init; }
    public required int Failed { get; init; }
    public required int ClosedByServer { get; init; }
    public required int ClientProcesses { get; init; }
    public required long RssBeforeKiB { get; init; }
    public required long RssAfterKiB { get; init; }
    public required long AnonBeforeKiB { get; init; }
    public required long AnonAfterKiB { get; init; }
    public required long RssPeakKiB { get; init; }
    public required int ThreadsBefore { get; init; }
    public required int ThreadsAfter { get; init; }
    public long? RssAfterCloseKiB { get; init; }
    public required double OpenSeconds { get; init; }
    public double KiBPerConnection => Opened > 0 ? (RssAfterKiB - RssBeforeKiB) / (double)Opened : double.NaN;
    public double AnonKiBPerConnection => Opened > 0 ? (AnonAfterKiB - AnonBeforeKiB) / (double)Opened : double.NaN;
}

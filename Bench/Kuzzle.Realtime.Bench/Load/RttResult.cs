namespace Kuzzle.Realtime.Bench.Load;

/// <summary>Outcome of one round-trip run (measurement window only, errors over the whole run).</summary>
public sealed record RttResult
{
    public required string Label { get; init; }
    public required string Url { get; init; }
    public required int Connections { get; init; }
    public required int OpenAtEnd { get; init; }
    public required int PayloadBytes { get; init; }
    public required double Seconds { get; init; }
    public required long RoundTrips { get; init; }
    public double RoundTripsPerSecond => Seconds > 0 ? RoundTrips / Seconds : 0;
    public required double P50Ms { get; init; }
    public required double P99Ms { get; init; }
    public required double P999Ms { get; init; }
    public required long ErrorAnswers { get; init; }
    public required long ErrorFrames { get; init; }
    public required long Closes { get; init; }
    public required long Timeouts { get; init; }
    public required long ConnectFailures { get; init; }
    public long Errors => ErrorAnswers + ErrorFrames + Closes + Timeouts + ConnectFailures;
    public required double ClientCores { get; init; }

    /// <summary>Managed bytes the whole bench process allocated per round trip (includes progress printing).</summary>
    public required double ClientBytesPerRoundTrip { get; init; }
    public double? ServerCores { get; init; }

    /// <summary>Busy cores of the whole machine; well above client + server means other work shared the cores.</summary>
    public required double MachineCores { get; init; }

    /// <summary>Server CPU per round trip: the fairer figure when the shared cores, not the server, are the limit.</summary>
    public double? ServerMicrosPerRoundTrip { get; init; }

    public long? ServerRssKiB { get; init; }
    public required double LoadAverageBefore { get; init; }
}

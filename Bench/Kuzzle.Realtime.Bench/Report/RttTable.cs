using Kuzzle.Realtime.Bench.Load;

namespace Kuzzle.Realtime.Bench.Report;

/// <summary>Summary table of round-trip runs.</summary>
public static class RttTable
{
    public static string Render(IEnumerable<RttResult> results)
    {
        var table = new TextTable("run", "conns", "rt/s", "p50 ms", "p99 ms", "p999 ms", "errors", "client cores", "client B/rt", "server cores", "machine cores", "server µs/rt", "server RSS MiB");
        foreach (var r in results)
        {
            table.Add(
                r.Label,
                Formats.Count(r.Connections),
                Formats.Count(r.RoundTripsPerSecond),
                Formats.Fixed(r.P50Ms, 2),
                Formats.Fixed(r.P99Ms, 2),
                Formats.Fixed(r.P999Ms, 2),
                ErrorText(r),
                Formats.Fixed(r.ClientCores, 2),
                Formats.Fixed(r.ClientBytesPerRoundTrip, 0),
                Formats.Fixed(r.ServerCores, 2),
                Formats.Fixed(r.MachineCores, 2),
                Formats.Fixed(r.ServerMicrosPerRoundTrip, 1),
                Formats.MiB(r.ServerRssKiB));
        }

        return table.ToString();
    }

    private static string ErrorText(RttResult r)
    {
        if (r.Errors == 0)
        {
            return "0";
        }

        var parts = new List<string>();
        Part(parts, r.ErrorAnswers, "err-answer");
        Part(parts, r.ErrorFrames, "err-frame");
        Part(parts, r.Closes, "closed");
        Part(parts, r.Timeouts, "timeout");
        Part(parts, r.ConnectFailures, "connect");
        return Formats.Count(r.Errors) + " (" + string.Join(", ", parts) + ")";
    }

    private static void Part(List<string> parts, long count, string name)
    {
        if (count > 0)
        {
            parts.Add(Formats.Count(count) + " " + name);
        }
    }
}

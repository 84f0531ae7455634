using Kuzzle.Realtime.Bench.Idle;

namespace Kuzzle.Realtime.Bench.Report;

/// <summary>Summary table of idle-memory runs.</summary>
public static class IdleTable
{
    public static string Render(IEnumerable<IdleResult> results)
    {
        var table = new TextTable("run", "opened", "failed", "closed by server", "clients", "open s", "RSS before MiB", "RSS after MiB", "KiB/conn", "anon KiB/conn", "threads", "RSS after close MiB");
        foreach (var r in results)
        {
            table.Add(
                r.Label,
                Formats.Count(r.Opened),
                Formats.Count(r.Failed),
                Formats.Count(r.ClosedByServer),
                Formats.Count(r.ClientProcesses),
                Formats.Fixed(r.OpenSeconds, 1),
                Formats.MiB(r.RssBeforeKiB),
                Formats.MiB(r.RssAfterKiB),
                Formats.Fixed(r.KiBPerConnection, 2),
                Formats.Fixed(r.AnonKiBPerConnection, 2),
                $"{r.ThreadsBefore}→{r.ThreadsAfter}",
                Formats.MiB(r.RssAfterCloseKiB));
        }

        return table.ToString();
    }
}

using System.Globalization;

namespace Kuzzle.Realtime.Bench.Procfs;

/// <summary>Reads CPU time and memory of a process from /proc (Linux only).</summary>
public static class ProcStats
{
    // /proc reports times in USER_HZ, which the kernel ABI fixes at 100 on Linux.
    private const double TicksPerSecond = 100.0;

    /// <summary>User + system CPU seconds consumed so far, or null when the process is gone.</summary>
    public static double? CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may contain spaces; fields after the last ')' are fixed.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
            var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
            return (utime + stime) / TicksPerSecond;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static MemorySample? Memory(int pid)
    {
        try
        {
            long rss = -1, anon = -1;
            int threads = -1;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = KiB(line);
                }
                else if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
                {
                    anon = KiB(line);
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = (int)KiB(line);
                }
            }

            return rss < 0 ? null : new MemorySample(rss, anon, threads);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>1-minute load average: shows whether other work shares the machine.</summary>
    public static double LoadAverage()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.AsSpan(0, text.IndexOf(' ')), CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    private static long KiB(string line)
    {
        var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(parts[1], CultureInfo.InvariantCulture);
    }
}

/// <summary>Resident memory in KiB (VmRSS, and its anonymous part) and the thread count.</summary>
public readonly record struct MemorySample(long RssKiB, long AnonKiB, int Threads);

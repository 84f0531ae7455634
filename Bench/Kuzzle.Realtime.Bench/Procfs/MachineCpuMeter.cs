using System.Diagnostics;
using System.Globalization;

namespace Kuzzle.Realtime.Bench.Procfs;

/// <summary>
/// Busy CPU of the whole machine between Restart and Read (from /proc/stat), in cores. Compared with the client's
/// and the server's own CPU it shows how much other work shared the cores during a measurement.
/// </summary>
public sealed class MachineCpuMeter
{
    private long _busyAtStart;
    private long _wallAtStart;

    public MachineCpuMeter() => Restart();

    public void Restart()
    {
        _busyAtStart = BusyTicks();
        _wallAtStart = Stopwatch.GetTimestamp();
    }

    public double ReadCores()
    {
        var wall = Stopwatch.GetElapsedTime(_wallAtStart).TotalSeconds;
        return wall > 0 ? (BusyTicks() - _busyAtStart) / 100.0 / wall : 0;
    }

    private static long BusyTicks()
    {
        try
        {
            // cpu  user nice system idle iowait irq softirq steal ...: busy = all but idle and iowait.
            var line = File.ReadLines("/proc/stat").First();
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            return fields.Sum() - fields[3] - fields[4];
        }
        catch (IOException)
        {
            return 0;
        }
    }
}

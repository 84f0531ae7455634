using System.Diagnostics;

namespace Kuzzle.Realtime.Bench.Procfs;

/// <summary>CPU used by one process between Start and Read, as a fraction of one core.</summary>
public sealed class CpuMeter
{
    private readonly int _pid;
    private double _cpuAtStart;
    private long _wallAtStart;

    public CpuMeter(int pid)
    {
        _pid = pid;
        Restart();
    }

    public int Pid => _pid;

    public void Restart()
    {
        _cpuAtStart = ProcStats.CpuSeconds(_pid) ?? 0;
        _wallAtStart = Stopwatch.GetTimestamp();
    }

    /// <summary>CPU seconds since Restart and cores used on average (1.0 = one full core).</summary>
    public (double CpuSeconds, double Cores) Read()
    {
        var cpu = (ProcStats.CpuSeconds(_pid) ?? _cpuAtStart) - _cpuAtStart;
        var wall = Stopwatch.GetElapsedTime(_wallAtStart).TotalSeconds;
        return (cpu, wall > 0 ? cpu / wall : 0);
    }
}

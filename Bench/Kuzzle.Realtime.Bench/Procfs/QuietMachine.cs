using System.Diagnostics;
using System.Globalization;

namespace Kuzzle.Realtime.Bench.Procfs;

/// <summary>
/// Waits (bounded) until the machine is nearly idle before a measurement: on 2 shared cores a concurrent build
/// easily halves a throughput figure, and a ratio is only fair if both sides saw the same quiet machine.
/// </summary>
public static class QuietMachine
{
    public const double BusyThresholdCores = 0.3;

    /// <summary>Returns the busy cores last seen; gives up after <paramref name="maxWaitSeconds"/>.</summary>
    public static async Task<double> WaitAsync(double maxWaitSeconds, CancellationToken cancellationToken)
    {
        if (maxWaitSeconds <= 0)
        {
            return double.NaN;
        }

        var watch = Stopwatch.StartNew();
        var meter = new MachineCpuMeter();
        while (true)
        {
            await Task.Delay(1000, cancellationToken);
            var busy = meter.ReadCores();
            meter.Restart();
            if (busy < BusyThresholdCores)
            {
                return busy;
            }

            if (watch.Elapsed.TotalSeconds >= maxWaitSeconds)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  machine still busy ({busy:F2} cores) after {maxWaitSeconds:F0} s of waiting; measuring anyway"));
                return busy;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  waiting for a quiet machine: {busy:F2} cores busy"));
        }
    }
}

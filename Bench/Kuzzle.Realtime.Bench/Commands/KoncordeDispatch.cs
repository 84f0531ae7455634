using System.Reflection;

namespace Kuzzle.Realtime.Bench.Commands;

/// <summary>
/// <c>koncorde</c>: runs the filter-engine benchmarks (Koncorde/ folder, owned separately). Bound by name so this
/// entry point builds whether or not that folder is there yet.
/// </summary>
public static class KoncordeDispatch
{
    private const string TypeName = "Kuzzle.Realtime.Bench.Koncorde.KoncordeBench";

    public static async Task<int> RunAsync(string[] args)
    {
        var run = typeof(KoncordeDispatch).Assembly.GetType(TypeName)?.GetMethod("RunAsync", BindingFlags.Public | BindingFlags.Static, [typeof(string[])]);
        if (run is null)
        {
            await Console.Error.WriteLineAsync("koncorde: the filter-engine benchmarks are not part of this build");
            return 2;
        }

        return await (Task<int>)run.Invoke(null, [args])!;
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Kuzzle.Realtime.Bench.Procfs;

namespace Kuzzle.Realtime.Bench.Report;

/// <summary>Writes a run's results with the command line and machine context to a JSON file.</summary>
public static class JsonReport
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task WriteAsync(string? path, string command, IReadOnlyList<string> args, object results)
    {
        if (path is null)
        {
            return;
        }

        var report = new
        {
            command,
            args,
            utc = DateTime.UtcNow,
            processors = Environment.ProcessorCount,
            loadAverage = ProcStats.LoadAverage(),
            results,
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, Options));
        Console.WriteLine($"wrote {path}");
    }
}

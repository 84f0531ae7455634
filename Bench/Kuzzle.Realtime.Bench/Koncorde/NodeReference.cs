using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Bench.Koncorde;

/// <summary>
/// Runs npm koncorde 4.7.0 on the same shapes. Its packages are installed (npm ci) into a working copy of the
/// node/ folder under the temp directory: a node_modules tree inside the project would be picked up by the build
/// (node-gyp ships .cs files). For the same reason the manifest is kept as package.template.json (and its lock as
/// package-lock.template.json), so that tools installing every package.json of the repository leave it alone.
/// </summary>
public static class NodeReference
{
    public static async Task<JsonElement> RunAsync(IReadOnlyList<BenchShape> shapes, double seconds, CancellationToken cancellationToken)
    {
        var work = await PrepareAsync(cancellationToken);
        var input = Path.Combine(work, $"shapes-{Environment.ProcessId}.json");
        var payload = new JsonObject
        {
            ["seconds"] = seconds,
            ["shapes"] = new JsonArray(shapes.Select(s => (JsonNode)new JsonObject
            {
                ["name"] = s.Name,
                ["filters"] = new JsonArray(s.Filters.Select(f => f.DeepClone()).ToArray()),
                ["document"] = s.Document.DeepClone(),
            }).ToArray()),
        };
        await File.WriteAllTextAsync(input, payload.ToJsonString(), cancellationToken);
        try
        {
            var output = await RunAsync("node", $"--expose-gc bench.js \"{input}\"", work, TimeSpan.FromMinutes(30), cancellationToken);
            using var doc = JsonDocument.Parse(output);
            return doc.RootElement.Clone();
        }
        finally
        {
            File.Delete(input);
        }
    }

    private static async Task<string> PrepareAsync(CancellationToken cancellationToken)
    {
        var source = FindSource();
        var lockText = await File.ReadAllTextAsync(Path.Combine(source, "package-lock.template.json"), cancellationToken);
        var tag = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lockText)))[..12];
        var work = Path.Combine(Path.GetTempPath(), "kuzzle-realtime-koncorde-bench", tag);
        Directory.CreateDirectory(work);
        File.Copy(Path.Combine(source, "package.template.json"), Path.Combine(work, "package.json"), overwrite: true);
        File.Copy(Path.Combine(source, "package-lock.template.json"), Path.Combine(work, "package-lock.json"), overwrite: true);
        File.Copy(Path.Combine(source, "bench.js"), Path.Combine(work, "bench.js"), overwrite: true);

        if (!Directory.Exists(Path.Combine(work, "node_modules", "koncorde")))
        {
            Console.WriteLine("koncorde: installing npm koncorde 4.7.0 (npm ci, native modules build once)...");
            await RunAsync("npm", "ci --no-audit --no-fund", work, TimeSpan.FromMinutes(20), cancellationToken);
        }

        return work;
    }

    private static string FindSource()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[]
            {
                Path.Combine(dir.FullName, "Koncorde", "node"),
                Path.Combine(dir.FullName, "Bench", "Kuzzle.Realtime.Bench", "Koncorde", "node"),
            })
            {
                if (File.Exists(Path.Combine(candidate, "bench.js")))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException("Koncorde/node/bench.js not found above the bench binaries");
    }

    private static async Task<string> RunAsync(string file, string arguments, string directory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var output = process.StandardOutput.ReadToEndAsync(timeoutSource.Token);
        var error = process.StandardError.ReadToEndAsync(timeoutSource.Token);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish in time");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {await error}");
        }

        return await output;
    }
}

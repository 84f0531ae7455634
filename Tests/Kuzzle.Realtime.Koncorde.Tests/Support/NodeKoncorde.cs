using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Kuzzle.Realtime.Koncorde.Tests.Support;

/// <summary>
/// The reference engine (npm koncorde 4.7.0) in a Node child process, driven over stdin/stdout JSON lines.
/// Installs its packages with <c>npm ci</c> on first use.
/// </summary>
internal sealed class NodeKoncorde : IDisposable
{
    private readonly Process _process;

    private NodeKoncorde(Process process) => _process = process;

    /// <summary>Starts the driver (after installing its packages if needed).</summary>
    public static NodeKoncorde Start()
    {
        var directory = FindDriverDirectory();
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "koncorde")))
        {
            Run("npm", "ci --no-audit --no-fund", directory, TimeSpan.FromMinutes(15));
        }

        var info = new ProcessStartInfo("node", "driver.js")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start node");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                TestContext.Progress.WriteLine($"[node] {e.Data}");
            }
        };
        process.BeginErrorReadLine();
        return new NodeKoncorde(process);
    }

    /// <summary>Sends a batch of request lines and returns the responses in order.</summary>
    public List<JsonElement> Send(IReadOnlyList<string> requests)
    {
        var writer = Task.Run(async () =>
        {
            foreach (var request in requests)
            {
                await _process.StandardInput.WriteLineAsync(request);
            }

            await _process.StandardInput.FlushAsync();
        });
        var responses = new List<JsonElement>(requests.Count);
        while (responses.Count < requests.Count)
        {
            var line = _process.StandardOutput.ReadLine()
                ?? throw new InvalidOperationException("the Node driver exited");
            responses.Add(JsonText.Parse(line));
        }

        writer.GetAwaiter().GetResult();
        return responses;
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000))
            {
                _process.Kill();
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static string FindDriverDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "node");
            if (File.Exists(Path.Combine(candidate, "driver.js")))
            {
                return candidate;
            }

            candidate = Path.Combine(dir.FullName, "Tests", "Kuzzle.Realtime.Koncorde.Tests", "node");
            if (File.Exists(Path.Combine(candidate, "driver.js")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("node/driver.js not found above the test binaries");
    }

    private static void Run(string file, string arguments, string directory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} timed out");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {output.Result}{error.Result}");
        }
    }
}

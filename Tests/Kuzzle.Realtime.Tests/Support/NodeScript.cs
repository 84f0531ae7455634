using System.Diagnostics;
using System.Text.Json;

namespace Kuzzle.Realtime.Tests.Support;

/// <summary>Runs the Node scripts of the client-compatibility tests, installing their npm packages first when missing.</summary>
public static class NodeScript
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    /// <summary>Directory of the Node project (copied next to the test assembly's sources).</summary>
    public static string ProjectDirectory { get; } = FindProjectDirectory();

    /// <summary>Runs a script and returns its JSON-lines output keyed by <c>check</c>.</summary>
    public static async Task<Dictionary<string, JsonElement>> RunChecksAsync(string script, params string[] args)
    {
        await EnsureInstalledAsync();
        var psi = new ProcessStartInfo("node") { WorkingDirectory = ProjectDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var checks = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var line in (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var e = TestServer.Json(line);
            checks[e.GetProperty("check").GetString()!] = e.GetProperty("value");
        }

        Assert.That(checks, Does.ContainKey("done"), "node output incomplete; stderr: " + await stderr);
        Assert.That(checks, Does.Not.ContainKey("fatal"), () => checks["fatal"].ToString());
        return checks;
    }

    /// <summary>Installs the npm packages (npm ci) unless they are already there.</summary>
    public static async Task EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(ProjectDirectory, "node_modules", "kuzzle-sdk"))
                && Directory.Exists(Path.Combine(ProjectDirectory, "node_modules", "oauth2-mock-server")))
            {
                return;
            }

            var psi = new ProcessStartInfo("npm") { WorkingDirectory = ProjectDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "ci", "--no-audit", "--no-fund" })
            {
                psi.ArgumentList.Add(a);
            }

            using var npm = Process.Start(psi)!;
            var output = npm.StandardOutput.ReadToEndAsync();
            var error = npm.StandardError.ReadToEndAsync();
            await npm.WaitForExitAsync();
            Assert.That(npm.ExitCode, Is.Zero, "npm ci failed: " + await output + await error);
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private static string FindProjectDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Kuzzle.Realtime.sln")))
        {
            dir = dir.Parent;
        }

        return dir is null
            ? throw new DirectoryNotFoundException("repository root not found above the test assembly")
            : Path.Combine(dir.FullName, "Tests", "Kuzzle.Realtime.Tests", "Compatibility", "node");
    }
}

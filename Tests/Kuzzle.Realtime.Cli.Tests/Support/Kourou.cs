using System.Diagnostics;
using System.Text;

namespace Kuzzle.Realtime.Cli.Tests.Support;

/// <summary>What one run of the tool printed and returned.</summary>
public sealed record KourouResult(int ExitCode, string Stdout, string Stderr)
{
    /// <inheritdoc />
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// Runs the built tool (<c>dotnet Kuzzle.Realtime.Cli.dll …</c>) as a child process pointed at a test server through the
/// <c>KUZZLE_*</c> variables, with standard input redirected (closed when no input is given) and a time limit.
/// </summary>
public sealed class Kourou(int port)
{
    /// <summary>Longest a command may run: a process start, a JIT and a few requests on a busy 2-core machine.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The tool's main assembly, built next to this project (same configuration).</summary>
    public static string ToolPath { get; } = FindTool();

    /// <summary>The server port the tool is pointed at.</summary>
    public int Port { get; } = port;

    /// <summary>Runs the tool with these arguments.</summary>
    public Task<KourouResult> RunAsync(params string[] args) => RunAsync(args, stdin: null);

    /// <summary>Runs the tool with these arguments and this standard input.</summary>
    public async Task<KourouResult> RunAsync(IEnumerable<string> args, string? stdin, IDictionary<string, string>? environment = null)
    {
        using var process = Start(StartInfo("dotnet", [ToolPath, .. args], environment));
        return await CompleteAsync(process, stdin);
    }

    /// <summary>
    /// Runs a shell command line exactly as written in a guide, with <c>kourou</c> defined as the built tool (a shell function).
    /// </summary>
    public async Task<KourouResult> RunShellAsync(string commandLine)
    {
        var script = $"kourou() {{ dotnet '{ToolPath}' \"$@\"; }}\n{commandLine}\n";
        using var process = Start(StartInfo("bash", ["-c", script], null));
        return await CompleteAsync(process, null);
    }

    /// <summary>
    /// Runs the tool on a pseudo-terminal (util-linux <c>script</c>): what a person at a terminal sees, standard output and error
    /// merged, colours and progress lines included.
    /// </summary>
    public async Task<KourouResult> RunOnTerminalAsync(IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var command = string.Join(' ', new[] { "dotnet", ToolPath }.Concat(args).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        using var process = Start(StartInfo("script", ["-qec", command, "/dev/null"], environment));
        return await CompleteAsync(process, null);
    }

    /// <summary>Starts a long-running command (realtime:subscribe, sdk:execute --keep-alive); stop it with <see cref="RunningKourou.StopAsync"/>.</summary>
    public RunningKourou Start(params string[] args)
    {
        var process = Start(StartInfo("dotnet", [ToolPath, .. args], null));
        process.StandardInput.Close();
        return new RunningKourou(process);
    }

    private ProcessStartInfo StartInfo(string file, IEnumerable<string> args, IDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("KUZZLE_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["KUZZLE_HOST"] = "127.0.0.1";
        info.Environment["KUZZLE_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return info;
    }

    private static Process Start(ProcessStartInfo info) => Process.Start(info) ?? throw new InvalidOperationException("the tool did not start");

    private static async Task<KourouResult> CompleteAsync(Process process, string? stdin)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"kourou did not finish within {Timeout}:\n{await stdout}\n{await stderr}");
        }

        return new KourouResult(process.ExitCode, await stdout, await stderr);
    }

    private static string FindTool()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        // bin/<configuration>/net10.0/ under the test project: the tool is built with the same configuration.
        var configuration = directory.Parent!.Name;
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Kuzzle.Realtime.sln")))
        {
            directory = directory.Parent;
        }

        Assert.That(directory, Is.Not.Null, "repository root not found");
        var path = Path.Combine(directory!.FullName, "Cli", "Kuzzle.Realtime.Cli", "bin", configuration, "net10.0", "Kuzzle.Realtime.Cli.dll");
        Assert.That(File.Exists(path), Is.True, $"the tool is not built: {path}");
        return path;
    }
}

/// <summary>A tool process still running, whose output lines can be awaited.</summary>
public sealed class RunningKourou : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _changed = new(0);
    private int _closedStreams;

    internal RunningKourou(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Standard output so far.</summary>
    public string Stdout
    {
        get
        {
            lock (_lock)
            {
                return _stdout.ToString();
            }
        }
    }

    /// <summary>Standard error so far.</summary>
    public string Stderr
    {
        get
        {
            lock (_lock)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Waits until standard output (or error) contains <paramref name="text"/>; fails when the process ends without it.</summary>
    public async Task WaitForAsync(string text, bool onStdout = false)
    {
        var deadline = DateTime.UtcNow + Kourou.Timeout;
        while ((onStdout ? Stdout : Stderr).IndexOf(text, StringComparison.Ordinal) < 0)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || Volatile.Read(ref _closedStreams) == 2)
            {
                Assert.Fail($"\"{text}\" not printed (exited: {_process.HasExited}):\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}");
            }

            await _changed.WaitAsync(left);
        }
    }

    /// <summary>Sends SIGTERM (the tool ends its keep-alive cleanly) and waits for the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill!.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(Kourou.Timeout);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _changed.Dispose();
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            Interlocked.Increment(ref _closedStreams);
            _changed.Release();
            return;
        }

        lock (_lock)
        {
            target.AppendLine(line);
        }

        _changed.Release();
    }
}

using System.Runtime.InteropServices;

namespace Kuzzle.Realtime.Bench.Hosting;

/// <summary>
/// Kills every child still running when the bench exits: normally, by exception, by Ctrl-C or SIGTERM. The first
/// signal cancels the run so it can report; a second one kills the children and exits at once.
/// </summary>
public static class ChildProcessRegistry
{
    private static readonly List<ChildProcess> Children = [];
    private static readonly CancellationTokenSource Shutdown = new();
    private static readonly List<PosixSignalRegistration> Signals = [];

    /// <summary>Cancelled on the first Ctrl-C / SIGTERM.</summary>
    public static CancellationToken ShutdownToken => Shutdown.Token;

    public static void Install()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => KillAll();
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
        {
            Signals.Add(PosixSignalRegistration.Create(signal, OnSignal));
        }
    }

    internal static void Add(ChildProcess child)
    {
        lock (Children)
        {
            Children.Add(child);
        }
    }

    internal static void Remove(ChildProcess child)
    {
        lock (Children)
        {
            Children.Remove(child);
        }
    }

    public static void KillAll()
    {
        ChildProcess[] children;
        lock (Children)
        {
            children = [.. Children];
        }

        foreach (var child in children)
        {
            child.Kill();
        }
    }

    private static void OnSignal(PosixSignalContext context)
    {
        if (!Shutdown.IsCancellationRequested)
        {
            Console.Error.WriteLine($"{context.Signal}: stopping (again to abort)");
            context.Cancel = true;
            Shutdown.Cancel();
            return;
        }

        KillAll();
    }
}

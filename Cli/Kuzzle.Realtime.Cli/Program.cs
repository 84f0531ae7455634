using Kuzzle.Realtime.Cli;
using Kuzzle.Realtime.Cli.Output;

Console.OutputEncoding = System.Text.Encoding.UTF8;
using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C ends the command cleanly (subscriptions closed, impersonation keys deleted); a second one kills it.
    e.Cancel = !interrupted.IsCancellationRequested;
    interrupted.Cancel();
};
using var terminated = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    interrupted.Cancel();
});

var console = new CliConsole(Console.Out, Console.Error, !Console.IsErrorRedirected);
return await KourouApp.RunAsync(args, Console.In, !Console.IsInputRedirected, console, Environment.GetEnvironmentVariable, interrupted.Token);

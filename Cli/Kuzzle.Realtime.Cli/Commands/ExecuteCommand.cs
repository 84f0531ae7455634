using Kuzzle.Realtime.Cli.Parsing;
using Kuzzle.Realtime.Cli.Scripting;

namespace Kuzzle.Realtime.Cli.Commands;

/// <summary><c>sdk:execute [code]</c>: JavaScript with a connected <c>sdk</c> (cli.md §5).</summary>
internal sealed class ExecuteCommand : Command
{
    private const string SubscribeCall = "sdk.realtime.subscribe";

    public override string Name => "sdk:execute";

    public override string Description => "Executes arbitrary code.";

    public override string Usage => "[code] [-v name=value]... [--keep-alive] [--print-raw]";

    public override bool ReadsStdin => true;

    protected override IEnumerable<FlagSpec> OwnFlags =>
    [
        new("var", "Variable defined before the code, repeatable (--var 'index=\"iot-data\"')", 'v', Repeatable: true),
        FlagSpec.Switch("keep-alive", "Keep the connection running (websocket only)"),
        FlagSpec.Switch("print-raw", "Print only the script result"),
    ];

    public override bool StaysConnected(CommandContext context) =>
        context.Args.Has("keep-alive") || Code(context)?.Contains(SubscribeCall, StringComparison.Ordinal) == true;

    public override void Validate(CommandContext context)
    {
        base.Validate(context);
        if (context.Args.Positionals.Count > 1)
        {
            throw new UsageException($"Unexpected argument \"{context.Args.Positionals[1]}\" (quote the code as one argument)");
        }

        foreach (var variable in context.Args.GetAll("var"))
        {
            _ = Variable(variable);
        }
    }

    public override async Task<int> RunAsync(CommandContext context)
    {
        var code = Code(context);
        if (string.IsNullOrWhiteSpace(code))
        {
            throw new UsageException("No code provided (as an argument or on standard input).");
        }

        using var host = new SdkScriptHost(context.Session, context.Console, context.Cancellation);
        try
        {
            var outcome = await host.RunAsync(code, context.Args.GetAll("var").Select(Variable));
            if (!outcome.Success)
            {
                context.Console.Ko($"Error when executing SDK code: {outcome.Error}");
                return KourouApp.ApiError;
            }

            context.Console.Ok("Successfully executed SDK code");
            if (outcome.ResultJson is not null)
            {
                context.Console.Result(outcome.ResultJson);
            }

            if (host.Subscribed || context.Args.Has("keep-alive"))
            {
                context.Console.Info("Keep alive for realtime notifications ...");
                await host.KeepAliveAsync();
            }

            return KourouApp.Success;
        }
        finally
        {
            await host.CloseAsync();
        }
    }

    private static string? Code(CommandContext context) => context.Stdin ?? context.Args.Positional(0);

    private static (string Name, string Value) Variable(string pair)
    {
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new UsageException($"Invalid variable \"{pair}\": expected name=value");
        }

        var name = pair[..equals].Trim();
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$') || char.IsAsciiDigit(name[0]))
        {
            throw new UsageException($"Invalid variable name \"{name}\"");
        }

        return (name, pair[(equals + 1)..]);
    }
}

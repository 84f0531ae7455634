using System.Reflection;
using System.Text;
using Kuzzle.Realtime.Cli.Api;
using Kuzzle.Realtime.Cli.Commands;
using Kuzzle.Realtime.Cli.Output;
using Kuzzle.Realtime.Cli.Parsing;
using Kuzzle.Realtime.Client;

namespace Kuzzle.Realtime.Cli;

/// <summary>
/// The tool: finds the command (or falls back to an API action), parses its flags, reads standard input, connects, runs it, and
/// turns every failure into a message and an exit code: 0 success, 1 API error, 2 bad usage or unreachable server or refused login.
/// </summary>
internal static class KourouApp
{
    public const int Success = 0;
    public const int ApiError = 1;
    public const int UsageError = 2;

    /// <summary>The tool's version (Kourou's, whose command lines it accepts).</summary>
    public static string Version { get; } =
        typeof(KourouApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.2.0";

    private static readonly Command[] Commands =
    [
        new QueryCommand(),
        new ExecuteCommand(),
        new SubscribeCommand(),
        new ApiKeyCreateCommand(),
        new ApiKeyCheckCommand(),
        new ApiKeyDeleteCommand(),
        new ApiKeySearchCommand(),
        new UserExportCommand(),
        new UserImportCommand(),
        new ProfileExportCommand(),
        new ProfileImportCommand(),
        new RoleExportCommand(),
        new RoleImportCommand(),
        new CredentialsImportCommand(),
    ];

    public static async Task<int> RunAsync(string[] args, TextReader stdin, bool stdinIsTerminal, CliConsole console, Func<string, string?> environment, CancellationToken cancellation)
    {
        try
        {
            if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
            {
                PrintCommands(console);
                return Success;
            }

            if (args[0] is "--version" or "version")
            {
                console.Result("kourou/" + Version + " (Kuzzle.Realtime)");
                return Success;
            }

            var name = args[0];
            var rest = args[1..];
            string? fallback = null;
            var command = Commands.FirstOrDefault(c => c.Name == name);
            if (command is null)
            {
                if (!name.Contains(':', StringComparison.Ordinal) || name.StartsWith(':') || name.EndsWith(':'))
                {
                    throw new UsageException($"Unknown command \"{name}\" (kourou --help lists them)");
                }

                fallback = name;
                command = Commands[0];
                rest = [.. ApiFallback.ToQueryArguments(name, rest)];
            }

            var parsed = ArgumentParser.Parse(rest, command.Flags);
            if (parsed.Has("help"))
            {
                PrintUsage(console, command);
                return Success;
            }

            console.Silent = parsed.Has("print-raw");
            if (fallback is not null)
            {
                console.Info($"Unknown command \"{fallback}\", fallback to API action");
            }

            var context = new CommandContext(parsed, console, environment, cancellation) { Interactive = stdinIsTerminal };
            console.Banner(command.Description);
            if (command.ReadsStdin && !stdinIsTerminal)
            {
                var input = await stdin.ReadToEndAsync(cancellation);
                context.Stdin = input.Length == 0 ? null : input;
            }

            // Everything that can be checked offline is, so bad input never costs a connection or a login.
            command.Validate(context);

            if (!command.Connects)
            {
                return await command.RunAsync(context);
            }

            var staysConnected = command.StaysConnected(context);
            var settings = ConnectionSettings.From(parsed, environment, forceWebSocket: staysConnected);
            await using var session = await KuzzleSession.OpenAsync(settings, console, staysConnected, cancellation);
            context.Session = session;
            if (settings.As is { } kuid)
            {
                console.Info($"Impersonate user \"{kuid}\"");
                return await session.ImpersonateAsync(kuid, () => command.RunAsync(context), cancellation);
            }

            return await command.RunAsync(context);
        }
        catch (UsageException ex)
        {
            console.Ko(ex.Message);
            return UsageError;
        }
        catch (CliFailure ex)
        {
            console.Ko(ex.Message);
            return UsageError;
        }
        catch (KuzzleException ex)
        {
            PrintApiError(console, ex);
            return ApiError;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Commands that wait for notifications end normally on Ctrl+C; anything else was cut short.
            console.Ko("Interrupted");
            return ApiError;
        }
        catch (IOException ex)
        {
            console.Ko(ex.Message);
            return UsageError;
        }
    }

    /// <summary>Kourou's error block: the message in place of the stack, then the status and the id.</summary>
    public static void PrintApiError(CliConsole console, KuzzleException ex)
    {
        var link = ex.Id is { } id && id.Split('.').Length == 3
            ? $" (https://docs.kuzzle.io/core/2/api/errors/error-codes/{id.Split('.')[0]})"
            : "";
        console.Ko($"Error stack: \n{ex.Message}\n\nError status: {ex.Status}\n\nError id: {ex.Id}{link}");
    }

    private static void PrintCommands(CliConsole console)
    {
        var text = new StringBuilder();
        text.AppendLine("kourou/" + Version + " — Kourou-compatible command line for Kuzzle.Realtime");
        text.AppendLine();
        text.AppendLine("USAGE");
        text.AppendLine("  $ kourou <command> [arguments] [flags]");
        text.AppendLine("  $ kourou <controller:action> [index] [collection] [id] [body] [flags]   (any API action, see sdk:query)");
        text.AppendLine();
        text.AppendLine("COMMANDS");
        foreach (var command in Commands)
        {
            text.AppendLine($"  {command.Name,-28} {command.Description}");
        }

        text.AppendLine();
        text.Append("Run \"kourou <command> --help\" for a command's flags.");
        console.Result(text.ToString());
    }

    private static void PrintUsage(CliConsole console, Command command)
    {
        var text = new StringBuilder();
        text.AppendLine(command.Description);
        text.AppendLine();
        text.AppendLine("USAGE");
        text.AppendLine($"  $ kourou {command.Name} {command.Usage}".TrimEnd());
        text.AppendLine();
        text.AppendLine("FLAGS");
        foreach (var flag in command.Flags)
        {
            var names = (flag.Short is { } s ? $"-{s}, " : "    ") + "--" + flag.Name + (flag.TakesValue ? " <value>" : "");
            var extra = flag.Default is { } d ? $" [default: {d}]" : "";
            text.AppendLine($"  {names,-28} {flag.Description}{extra}");
        }

        console.Result(text.ToString().TrimEnd());
    }
}

using Kuzzle.Realtime.Cli.Api;
using Kuzzle.Realtime.Cli.Output;
using Kuzzle.Realtime.Cli.Parsing;

namespace Kuzzle.Realtime.Cli.Commands;

/// <summary>What a running command works with.</summary>
internal sealed class CommandContext(ParsedArguments args, CliConsole console, Func<string, string?> environment, CancellationToken cancellation)
{
    private KuzzleSession? _session;

    /// <summary>The parsed command line.</summary>
    public ParsedArguments Args { get; } = args;

    /// <summary>Output.</summary>
    public CliConsole Console { get; } = console;

    /// <summary>Environment lookup.</summary>
    public Func<string, string?> Environment { get; } = environment;

    /// <summary>Standard input, when it was read (not a terminal and not empty).</summary>
    public string? Stdin { get; set; }

    /// <summary>Cancelled by Ctrl+C (or SIGTERM).</summary>
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Whether standard input is a terminal (an interactive user who can answer or abort).</summary>
    public bool Interactive { get; init; }

    /// <summary>The connected session.</summary>
    public KuzzleSession Session
    {
        get => _session ?? throw new InvalidOperationException("The command is not connected.");
        set => _session = value;
    }
}

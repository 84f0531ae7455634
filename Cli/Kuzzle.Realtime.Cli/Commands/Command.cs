using Kuzzle.Realtime.Cli.Api;
using Kuzzle.Realtime.Cli.Output;
using Kuzzle.Realtime.Cli.Parsing;

namespace Kuzzle.Realtime.Cli.Commands;

/// <summary>One <c>kourou</c> command: its name, flags, and what it does once connected.</summary>
internal abstract class Command
{
    /// <summary>The command name (<c>api-key:create</c>).</summary>
    public abstract string Name { get; }

    /// <summary>One line; the banner shows it.</summary>
    public abstract string Description { get; }

    /// <summary>Usage line after the name (<c>&lt;user&gt; -d &lt;description&gt;</c>).</summary>
    public virtual string Usage => "";

    /// <summary>The command's own flags; the connection flags are added unless <see cref="Connects"/> is false.</summary>
    protected virtual IEnumerable<FlagSpec> OwnFlags => [];

    /// <summary>Whether the command talks to a server.</summary>
    public virtual bool Connects => true;

    /// <summary>Whether standard input, when it is not a terminal, is read before connecting (bodies, code, filters).</summary>
    public virtual bool ReadsStdin => false;

    /// <summary>
    /// Whether the command stays connected for realtime notifications: it then needs a WebSocket, and its connection
    /// reconnects and subscribes again after a loss instead of failing.
    /// </summary>
    public virtual bool StaysConnected(CommandContext context) => false;

    /// <summary>Positional arguments required (checked before connecting).</summary>
    protected virtual int RequiredPositionals => 0;

    /// <summary>Every flag the command accepts.</summary>
    public IReadOnlyList<FlagSpec> Flags =>
    [
        .. OwnFlags,
        FlagSpec.Switch("help", "Show this help"),
        .. Connects ? ConnectionSettings.Flags : [],
    ];

    /// <summary>Checks the arguments before anything is sent; throws <see cref="UsageException"/>.</summary>
    public virtual void Validate(CommandContext context)
    {
        if (context.Args.Positionals.Count < RequiredPositionals)
        {
            throw new UsageException($"Missing argument: usage is \"kourou {Name} {Usage}\"");
        }
    }

    /// <summary>Runs the command; returns the exit code.</summary>
    public abstract Task<int> RunAsync(CommandContext context);
}

namespace Kuzzle.Realtime.Cli.Parsing;

/// <summary>One flag a command accepts: <c>--name</c>, an optional one-letter alias, whether it takes a value.</summary>
internal sealed record FlagSpec(string Name, string Description, char? Short = null, bool TakesValue = true, bool Repeatable = false, string? Default = null)
{
    /// <summary>A boolean flag (no value).</summary>
    public static FlagSpec Switch(string name, string description, char? alias = null) => new(name, description, alias, TakesValue: false);
}

namespace Kuzzle.Realtime.Cli.Parsing;

/// <summary>A command line split into positional arguments and flags (values as given; repeatable flags keep every value).</summary>
internal sealed class ParsedArguments
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<FlagSpec> _specs;

    public ParsedArguments(IReadOnlyList<FlagSpec> specs) => _specs = specs;

    /// <summary>The positional arguments, in order.</summary>
    public List<string> Positionals { get; } = [];

    /// <summary>Whether the flag was given.</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>The flag's last value, else its default.</summary>
    public string? Get(string name) =>
        _values.TryGetValue(name, out var values) ? values[^1] : _specs.FirstOrDefault(s => s.Name == name)?.Default;

    /// <summary>Every value of a repeatable flag.</summary>
    public IReadOnlyList<string> GetAll(string name) => _values.TryGetValue(name, out var values) ? values : [];

    /// <summary>A positional argument, or null.</summary>
    public string? Positional(int index) => index < Positionals.Count ? Positionals[index] : null;

    internal void Add(string name, string value)
    {
        if (!_values.TryGetValue(name, out var values))
        {
            _values[name] = values = [];
        }

        values.Add(value);
    }
}

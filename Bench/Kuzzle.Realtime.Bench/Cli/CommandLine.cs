using System.Globalization;

namespace Kuzzle.Realtime.Bench.Cli;

/// <summary>"--name value" options after a subcommand; every option must be read, so typos fail loudly.</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public CommandLine(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length < 3)
            {
                throw new UsageException($"expected an option (--name value), got '{name}'");
            }

            // A flag is an option followed by another option or nothing.
            var value = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
            _values[name[2..]] = value;
        }
    }

    public string? Text(string name)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var v) ? v : null;
    }

    public string Text(string name, string fallback) => Text(name) ?? fallback;

    public int Number(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = Text(name);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
        {
            throw new UsageException($"--{name} must be an integer in [{min}, {max}], got '{text}'");
        }

        return v;
    }

    public double Seconds(string name, double fallback, double min = 0, double max = 3600)
    {
        var text = Text(name);
        if (text is null)
        {
            return fallback;
        }

        text = text.EndsWith('s') ? text[..^1] : text;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
        {
            throw new UsageException($"--{name} must be a number of seconds in [{min}, {max}], got '{text}'");
        }

        return v;
    }

    public bool Flag(string name) => Text(name) is { } v && v != "false";

    /// <summary>Throws when an option was given that no code read.</summary>
    public void EnsureAllRead()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException("unknown option(s): " + string.Join(", ", unknown.Select(k => "--" + k)));
        }
    }
}

/// <summary>Bad command line; reported with the usage text, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

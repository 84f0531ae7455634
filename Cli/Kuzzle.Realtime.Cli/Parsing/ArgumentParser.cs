namespace Kuzzle.Realtime.Cli.Parsing;

/// <summary>
/// oclif's flag syntax as Kourou uses it: <c>--name value</c>, <c>--name=value</c>, <c>-a value</c>, <c>-avalue</c>, boolean
/// switches, repeatable flags, and <c>--</c> to end flags. Anything else starting with <c>-</c> is an unknown flag.
/// </summary>
internal static class ArgumentParser
{
    public static ParsedArguments Parse(IReadOnlyList<string> args, IReadOnlyList<FlagSpec> specs)
    {
        var parsed = new ParsedArguments(specs);
        var flagsEnded = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (flagsEnded || arg.Length < 2 || arg[0] != '-' || IsNumber(arg))
            {
                parsed.Positionals.Add(arg);
                continue;
            }

            if (arg == "--")
            {
                flagsEnded = true;
                continue;
            }

            FlagSpec? spec;
            string? inlineValue = null;
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var name = arg[2..];
                var equals = name.IndexOf('=', StringComparison.Ordinal);
                if (equals >= 0)
                {
                    inlineValue = name[(equals + 1)..];
                    name = name[..equals];
                }

                spec = specs.FirstOrDefault(s => s.Name == name) ?? throw new UsageException($"Unknown flag \"--{name}\" (see --help)");
            }
            else
            {
                spec = specs.FirstOrDefault(s => s.Short == arg[1]) ?? throw new UsageException($"Unknown flag \"{arg[..2]}\" (see --help)");
                if (arg.Length > 2)
                {
                    inlineValue = arg[2] == '=' ? arg[3..] : arg[2..];
                }
            }

            if (!spec.TakesValue)
            {
                if (inlineValue is not null)
                {
                    throw new UsageException($"Flag \"--{spec.Name}\" takes no value");
                }

                parsed.Add(spec.Name, "true");
                continue;
            }

            if (inlineValue is null)
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"Flag \"--{spec.Name}\" expects a value");
                }

                inlineValue = args[++i];
            }

            if (!spec.Repeatable && parsed.Has(spec.Name))
            {
                throw new UsageException($"Flag \"--{spec.Name}\" can be given only once");
            }

            parsed.Add(spec.Name, inlineValue);
        }

        return parsed;
    }

    private static bool IsNumber(string arg) => arg.Length > 1 && arg[0] == '-' && char.IsAsciiDigit(arg[1]);
}

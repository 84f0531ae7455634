namespace Kuzzle.Realtime.Cli.Commands;

/// <summary>
/// Kourou's fallback for an unknown <c>controller:action</c> command (cli.md §4): positional arguments before the first flag
/// become, in order, the index (or the body when it contains <c>{</c>), the collection, the id (or the body), and the body;
/// a mapping is skipped when its flag was given. The result is an <c>sdk:query</c> command line.
/// </summary>
internal static class ApiFallback
{
    public static List<string> ToQueryArguments(string controllerAction, IReadOnlyList<string> rest)
    {
        var args = rest.ToList();
        var mapped = new List<string> { controllerAction };

        bool Positional() => args.Count > 0 && !args[0].StartsWith('-');
        bool Given(params string[] flags) => flags.Any(f => args.Contains(f) || args.Any(a => a.StartsWith(f + "=", StringComparison.Ordinal)));
        void Take(string flag)
        {
            mapped.Add(flag);
            mapped.Add(args[0]);
            args.RemoveAt(0);
        }

        // 1st: the body if it looks like one, else the index.
        if (!Positional())
        {
            return [.. mapped, .. args];
        }

        if (args[0].Contains('{', StringComparison.Ordinal) && !Given("--body"))
        {
            Take("--body");
        }
        else if (!Given("--index", "-i"))
        {
            Take("-i");
        }

        // 2nd: the collection.
        if (!Positional() || Given("-c", "--collection"))
        {
            return [.. mapped, .. args];
        }

        Take("-c");

        // 3rd: the body if it looks like one, else the id.
        if (!Positional())
        {
            return [.. mapped, .. args];
        }

        if (args[0].Contains('{', StringComparison.Ordinal) && !Given("--body"))
        {
            Take("--body");
        }
        else if (!Given("--id"))
        {
            Take("--id");
        }

        // 4th: the body.
        if (Positional() && !mapped.Contains("--body"))
        {
            Take("--body");
        }

        return [.. mapped, .. args];
    }
}

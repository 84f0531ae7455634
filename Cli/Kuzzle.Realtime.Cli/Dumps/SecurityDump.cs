using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Cli.Api;
using Kuzzle.Realtime.Cli.Output;
using Kuzzle.Realtime.Cli.Parsing;

namespace Kuzzle.Realtime.Cli.Dumps;

/// <summary>
/// Kourou's security dump files (cli.md §6): <c>{"type":"users"|"profiles"|"roles","content":{"&lt;id&gt;":{…}}}</c>, written
/// indented by 2 like <c>JSON.stringify(dump, null, 2)</c>, and the paged reads and bounded-concurrency writes behind them.
/// </summary>
internal static class SecurityDump
{
    /// <summary>Writes at once while importing (Kourou's concurrency).</summary>
    public const int ImportConcurrency = 10;

    /// <summary>
    /// An export command: reads every <paramref name="type"/> (users, profiles, roles), keeps what <paramref name="entry"/> returns
    /// (null skips a hit) under its id, and writes <c>&lt;--path&gt;/&lt;type&gt;.json</c>.
    /// </summary>
    public static async Task ExportAsync(
        Commands.CommandContext context, string type, string searchAction, string? scrollAction, string scroll, int size, Func<JsonObject, JsonObject?> entry)
    {
        var directory = context.Args.Get("path")!;
        context.Console.Info($"Exporting {type} in {Path.Combine(directory, type + ".json")} ...");
        var content = new JsonObject();
        foreach (var hit in await SearchAllAsync(context.Session, context.Console, searchAction, scrollAction, scroll, size, type, context.Cancellation))
        {
            if (hit["_id"]?.GetValue<string>() is { } id && entry(hit) is { } kept)
            {
                content[id] = kept;
            }
        }

        await WriteAsync(directory, type, content, context.Cancellation);
        context.Console.Ok($"{content.Count} {type} dumped");
    }

    /// <summary>Writes a dump file and returns its path.</summary>
    public static async Task<string> WriteAsync(string directory, string type, JsonObject content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, type + ".json");
        var dump = new JsonObject { ["type"] = type, ["content"] = content };
        await File.WriteAllTextAsync(path, JsonText.Pretty(dump), cancellationToken);
        return path;
    }

    /// <summary>Reads a dump file and checks its type.</summary>
    public static async Task<JsonObject> ReadAsync(string path, string type, string what, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot read \"{path}\": {ex.Message}");
        }

        JsonNode? dump;
        try
        {
            dump = JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new UsageException($"\"{path}\" is not JSON: {ex.Message}");
        }

        if (dump?["type"]?.GetValueKind() != JsonValueKind.String || dump["type"]!.GetValue<string>() != type)
        {
            throw new UsageException($"Dump file does not contain {what} definition");
        }

        return dump["content"] as JsonObject ?? throw new UsageException($"\"{path}\": \"content\" must be an object");
    }

    /// <summary>
    /// Reads every hit of a security search: with a scroll when <paramref name="scrollAction"/> is given (users, profiles), else
    /// with from/size pages (roles). Shows progress on a terminal.
    /// </summary>
    public static async Task<List<JsonObject>> SearchAllAsync(
        KuzzleSession session, CliConsole console, string action, string? scrollAction, string scroll, int size, string what, CancellationToken cancellationToken)
    {
        var hits = new List<JsonObject>();
        var request = new JsonObject { ["controller"] = "security", ["action"] = action, ["size"] = size, ["body"] = new JsonObject() };
        if (scrollAction is not null)
        {
            request["scroll"] = scroll;
        }

        var result = await session.ResultAsync(request, cancellationToken);
        while (true)
        {
            var page = result?["hits"] as JsonArray ?? [];
            hits.AddRange(page.OfType<JsonObject>().Select(h => (JsonObject)h.DeepClone()));
            var total = result?["total"]?.GetValue<int>() ?? hits.Count;
            console.Progress($"Read {hits.Count}/{total} {what}");
            if (page.Count == 0 || hits.Count >= total)
            {
                return hits;
            }

            result = scrollAction is not null && result?["scrollId"]?.GetValue<string>() is { } scrollId
                ? await session.ResultAsync(new JsonObject { ["controller"] = "security", ["action"] = scrollAction, ["scrollId"] = scrollId, ["scroll"] = scroll }, cancellationToken)
                : await session.ResultAsync(new JsonObject { ["controller"] = "security", ["action"] = action, ["from"] = hits.Count, ["size"] = size, ["body"] = new JsonObject() }, cancellationToken);
        }
    }

    /// <summary>
    /// Sends one request per entry, <see cref="ImportConcurrency"/> at a time, with progress on a terminal. Failures are reported
    /// by <paramref name="onError"/> and do not stop the others; returns how many succeeded.
    /// </summary>
    public static async Task<int> ImportAllAsync<T>(
        IReadOnlyList<T> entries, Func<T, JsonObject> toRequest, Action<T, Client.KuzzleException> onError,
        KuzzleSession session, CliConsole console, string what, CancellationToken cancellationToken)
    {
        var succeeded = 0;
        var done = 0;
        await Parallel.ForEachAsync(entries, new ParallelOptions { MaxDegreeOfParallelism = ImportConcurrency, CancellationToken = cancellationToken }, async (entry, ct) =>
        {
            try
            {
                await session.QueryAsync(toRequest(entry), ct);
                Interlocked.Increment(ref succeeded);
            }
            catch (Client.KuzzleException ex)
            {
                onError(entry, ex);
            }

            console.Progress($"Imported {Interlocked.Increment(ref done)}/{entries.Count} {what}");
        });
        return succeeded;
    }
}

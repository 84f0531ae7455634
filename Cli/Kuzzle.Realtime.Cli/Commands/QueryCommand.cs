using System.Text.Json.Nodes;
using Kuzzle.Realtime.Cli.Output;
using Kuzzle.Realtime.Cli.Parsing;

namespace Kuzzle.Realtime.Cli.Commands;

/// <summary><c>sdk:query &lt;controller:action&gt;</c>: any API action (cli.md §4).</summary>
internal sealed class QueryCommand : Command
{
    private JsonNode? _body;

    public override string Name => "sdk:query";

    public override string Description => "Executes an API query.";

    public override string Usage => "<controller:action> [-a key=value]... [-i index] [-c collection] [--id id] [--body body] [--display path] [--print-raw]";

    public override bool ReadsStdin => true;

    protected override int RequiredPositionals => 1;

    protected override IEnumerable<FlagSpec> OwnFlags =>
    [
        new("arg", "Additional argument, repeatable (-a refresh=wait_for)", 'a', Repeatable: true),
        new("body", "Request body in JS or JSON format (read from standard input when it is not a terminal)", Default: "{}"),
        new("index", "Index argument", 'i'),
        new("collection", "Collection argument", 'c'),
        new("id", "ID argument (_id)"),
        new("display", "Path of the property to display from the response (empty string: the whole response)", Default: "result"),
        FlagSpec.Switch("print-raw", "Print only the query result"),
    ];

    public override void Validate(CommandContext context)
    {
        base.Validate(context);
        if (context.Args.Positionals.Count > 1)
        {
            throw new UsageException($"Unexpected argument \"{context.Args.Positionals[1]}\"");
        }

        Split(context.Args.Positionals[0]);
        foreach (var pair in context.Args.GetAll("arg"))
        {
            if (pair.IndexOf('=', StringComparison.Ordinal) <= 0)
            {
                throw new UsageException($"Invalid argument \"{pair}\": expected key=value");
            }
        }

        _body = JsInput.Parse(context.Stdin ?? context.Args.Get("body"), "body");
    }

    public override async Task<int> RunAsync(CommandContext context)
    {
        var args = context.Args;
        var (controller, action) = Split(args.Positionals[0]);
        var request = new JsonObject { ["controller"] = controller, ["action"] = action };
        AddIfSet(request, "index", args.Get("index"));
        AddIfSet(request, "collection", args.Get("collection"));
        AddIfSet(request, "_id", args.Get("id"));
        foreach (var pair in args.GetAll("arg"))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            request[pair[..equals]] = pair[(equals + 1)..];
        }

        request["body"] = _body?.DeepClone();
        if (!context.Session.Settings.Http)
        {
            // Kourou turns the strings "true" and "false" into booleans over WebSocket (HTTP query strings are coerced by the server).
            foreach (var (key, value) in request.ToList())
            {
                if (value is JsonValue v && v.TryGetValue<string>(out var text) && text is "true" or "false")
                {
                    request[key] = text == "true";
                }
            }
        }

        var response = await context.Session.QueryAsync(request, context.Cancellation);
        var display = args.Get("display") ?? "result";
        context.Console.Result(JsonText.Display(response, display));
        context.Console.Ok($"Successfully executed \"{controller}:{action}\"");
        return 0;
    }

    private static (string Controller, string Action) Split(string controllerAction)
    {
        var colon = controllerAction.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == controllerAction.Length - 1)
        {
            throw new UsageException($"Invalid API action \"{controllerAction}\": expected <controller>:<action>");
        }

        return (controllerAction[..colon], controllerAction[(colon + 1)..]);
    }

    private static void AddIfSet(JsonObject request, string key, string? value)
    {
        if (value is not null)
        {
            request[key] = value;
        }
    }
}

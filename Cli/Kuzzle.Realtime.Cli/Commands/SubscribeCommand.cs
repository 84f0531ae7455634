using System.Text.Json.Nodes;
using Kuzzle.Realtime.Cli.Output;
using Kuzzle.Realtime.Cli.Parsing;

namespace Kuzzle.Realtime.Cli.Commands;

/// <summary><c>realtime:subscribe &lt;index&gt; &lt;collection&gt; [filters]</c>: prints notifications until interrupted (cli.md §6).</summary>
internal sealed class SubscribeCommand : Command
{
    private JsonObject? _filters;
    private JsonObject? _volatile;

    public override string Name => "realtime:subscribe";

    public override string Description => "Subscribes to realtime notifications";

    public override string Usage => "<index> <collection> [filters] [--scope all|in|out|none] [--users all|in|out|none] [--volatile v] [--display path]";

    public override bool ReadsStdin => true;

    protected override int RequiredPositionals => 2;

    protected override IEnumerable<FlagSpec> OwnFlags =>
    [
        new("scope", "Subscribe to documents entering or leaving the scope (all, in, out, none)", Default: "all"),
        new("users", "Subscribe to users entering or leaving the room (all, in, out, none)", Default: "all"),
        new("volatile", "Additional subscription information used in user join/leave notifications", Default: "{}"),
        new("display", "Path of the property to display from the notification (empty string: everything)", Default: "result"),
    ];

    public override bool StaysConnected(CommandContext context) => true;

    public override void Validate(CommandContext context)
    {
        base.Validate(context);
        if (Api.ConnectionSettings.From(context.Args, context.Environment).Http)
        {
            throw new UsageException("Realtime notification does not work with the Http protocol");
        }

        foreach (var flag in new[] { "scope", "users" })
        {
            if (context.Args.Get(flag) is not ("all" or "in" or "out" or "none"))
            {
                throw new UsageException($"Invalid --{flag} \"{context.Args.Get(flag)}\": use all, in, out or none");
            }
        }

        if (context.Args.Positionals.Count > 3)
        {
            throw new UsageException($"Unexpected argument \"{context.Args.Positionals[3]}\"");
        }

        _filters = JsInput.ParseObject(context.Stdin ?? context.Args.Positional(2) ?? "{}", "filters");
        _volatile = JsInput.ParseObject(context.Args.Get("volatile"), "volatile data");
    }

    public override async Task<int> RunAsync(CommandContext context)
    {
        var args = context.Args;
        var index = args.Positionals[0];
        var collection = args.Positionals[1];
        var request = new JsonObject
        {
            ["controller"] = "realtime",
            ["action"] = "subscribe",
            ["index"] = index,
            ["collection"] = collection,
            ["scope"] = args.Get("scope"),
            ["users"] = args.Get("users"),
            ["volatile"] = _volatile?.DeepClone(),
            ["body"] = _filters?.DeepClone(),
        };
        var display = args.Get("display") ?? "result";
        var roomId = await context.Session.SubscribeAsync(request, notification =>
        {
            context.Console.Info($"New notification triggered by API action \"{notification["controller"]}:{notification["action"]}\"");
            context.Console.Result(JsonText.Display(notification, display));
            return ValueTask.CompletedTask;
        }, context.Cancellation);
        context.Console.Info($"Waiting for realtime notifications on \"{index}\":\"{collection}\" ...");
        await context.Session.WaitUntilInterruptedAsync(context.Cancellation);
        await context.Session.UnsubscribeAsync(roomId, CancellationToken.None);
        return KourouApp.Success;
    }
}

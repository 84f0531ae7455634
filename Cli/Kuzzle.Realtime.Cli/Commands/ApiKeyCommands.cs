using System.Text.Json.Nodes;
using Kuzzle.Realtime.Cli.Parsing;

namespace Kuzzle.Realtime.Cli.Commands;

/// <summary><c>api-key:create &lt;user&gt; -d &lt;description&gt; [--id] [--expire]</c>.</summary>
internal sealed class ApiKeyCreateCommand : Command
{
    public override string Name => "api-key:create";

    public override string Description => "Creates a new API Key for a user";

    public override string Usage => "<user> -d <description> [--id id] [--expire duration]";

    protected override int RequiredPositionals => 1;

    protected override IEnumerable<FlagSpec> OwnFlags =>
    [
        new("description", "API Key description", 'd'),
        new("id", "API Key unique ID"),
        new("expire", "API Key validity", Default: "-1"),
    ];

    public override void Validate(CommandContext context)
    {
        base.Validate(context);
        if (!context.Args.Has("description"))
        {
            throw new UsageException("Missing required flag --description (-d)");
        }
    }

    public override async Task<int> RunAsync(CommandContext context)
    {
        var user = context.Args.Positionals[0];
        var request = new JsonObject
        {
            ["controller"] = "security",
            ["action"] = "createApiKey",
            ["userId"] = user,
            ["expiresIn"] = context.Args.Get("expire"),
            ["body"] = new JsonObject { ["description"] = context.Args.Get("description") },
        };
        if (context.Args.Get("id") is { } id)
        {
            request["_id"] = id;
        }

        var key = await context.Session.ResultAsync(request, context.Cancellation);
        context.Console.Ok($"Successfully created API Key \"{key?["_id"]}\" for user \"{user}\"");
        context.Console.Result(key?["_source"]?["token"]?.GetValue<string>() ?? "");
        return KourouApp.Success;
    }
}

/// <summary><c>api-key:check &lt;token&gt;</c>.</summary>
internal sealed class ApiKeyCheckCommand : Command
{
    public override string Name => "api-key:check";

    public override string Description => "Checks an API key validity";

    public override string Usage => "<token>";

    protected override int RequiredPositionals => 1;

    public override async Task<int> RunAsync(CommandContext context)
    {
        var result = await context.Session.ResultAsync(new JsonObject
        {
            ["controller"] = "auth",
            ["action"] = "checkToken",
            ["body"] = new JsonObject { ["token"] = context.Args.Positionals[0] },
        }, context.Cancellation);
        if (result?["valid"]?.GetValue<bool>() == true)
        {
            context.Console.Ok("API key is still valid");
            return KourouApp.Success;
        }

        context.Console.Ko("API key is not valid");
        return KourouApp.ApiError;
    }
}

/// <summary><c>api-key:delete &lt;user&gt; &lt;id&gt;</c>.</summary>
internal sealed class ApiKeyDeleteCommand : Command
{
    public override string Name => "api-key:delete";

    public override string Description => "Deletes an API key.";

    public override string Usage => "<user> <id>";

    protected override int RequiredPositionals => 2;

    public override async Task<int> RunAsync(CommandContext context)
    {
        var (user, id) = (context.Args.Positionals[0], context.Args.Positionals[1]);
        await context.Session.ResultAsync(new JsonObject
        {
            ["controller"] = "security",
            ["action"] = "deleteApiKey",
            ["userId"] = user,
            ["_id"] = id,
        }, context.Cancellation);
        context.Console.Ok($"Successfully deleted API Key \"{id}\" of user \"{user}\"");
        return KourouApp.Success;
    }
}

/// <summary><c>api-key:search &lt;user&gt; [--filter text]</c>.</summary>
internal sealed class ApiKeySearchCommand : Command
{
    public override string Name => "api-key:search";

    public override string Description => "Lists a user's API Keys.";

    public override string Usage => "<user> [--filter text]";

    protected override int RequiredPositionals => 1;

    protected override IEnumerable<FlagSpec> OwnFlags => [new("filter", "Filter to match the API Key descriptions")];

    public override async Task<int> RunAsync(CommandContext context)
    {
        var user = context.Args.Positionals[0];
        var query = context.Args.Get("filter") is { } filter
            ? new JsonObject { ["match"] = new JsonObject { ["description"] = filter } }
            : new JsonObject();
        var result = await context.Session.ResultAsync(new JsonObject
        {
            ["controller"] = "security",
            ["action"] = "searchApiKeys",
            ["userId"] = user,
            ["from"] = 0,
            ["size"] = 100,
            ["body"] = query,
        }, context.Cancellation);
        var total = result?["total"]?.GetValue<int>() ?? 0;
        context.Console.Ok($"{total} API Keys found for user {user}");
        if (total != 0)
        {
            var lines = new List<string> { "" };
            foreach (var hit in result?["hits"]?.AsArray() ?? [])
            {
                var source = hit?["_source"];
                lines.Add($" - Key \"{hit?["_id"]}\"");
                lines.Add($"    Description: {source?["description"]}");
                lines.Add($"    Fingerprint: {source?["fingerprint"]}");
                lines.Add($"    Expires at: {source?["expiresAt"]}");
            }

            context.Console.Result(string.Join('\n', lines));
        }

        return KourouApp.Success;
    }
}

using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kuzzle.Realtime.Cli.Dumps;
using Kuzzle.Realtime.Cli.Output;
using Kuzzle.Realtime.Cli.Parsing;

namespace Kuzzle.Realtime.Cli.Commands;

/// <summary><c>user:export</c>: users to <c>&lt;path&gt;/users.json</c>, without credentials unless generated.</summary>
internal sealed class UserExportCommand : Command
{
    public override string Name => "user:export";

    public override string Description => "Exports users to JSON.";

    public override string Usage => "[--path users] [--exclude regexp]... [--generate-credentials] [--generated-username path] [--batch-size 2000]";

    protected override IEnumerable<FlagSpec> OwnFlags =>
    [
        new("path", "Dump directory", Default: "users"),
        new("exclude", "Exclude users whose ID matches this regular expression (repeatable)", Repeatable: true),
        FlagSpec.Switch("generate-credentials", "Generate local credentials with a random password for every user"),
        new("generated-username", "User property used as the generated username", Default: "_id"),
        new("batch-size", "Maximum batch size", Default: "2000"),
    ];

    public override void Validate(CommandContext context)
    {
        base.Validate(context);
        if (context.Args.Get("generated-username") != "_id" && !context.Args.Has("generate-credentials"))
        {
            throw new UsageException("The \"--generated-username\" cannot be used without \"--generate-credentials\"");
        }

        _ = BatchSize(context);
        _ = Excludes(context);
    }

    public override async Task<int> RunAsync(CommandContext context)
    {
        var excludes = Excludes(context);
        var generate = context.Args.Has("generate-credentials");
        var usernamePath = context.Args.Get("generated-username")!;
        await SecurityDump.ExportAsync(context, "users", "searchUsers", "scrollUsers", "5s", BatchSize(context), hit =>
        {
            var id = hit["_id"]!.GetValue<string>();
            if (excludes.Any(e => e.IsMatch(id)))
            {
                return null;
            }

            var content = hit["_source"]?.DeepClone() as JsonObject ?? [];
            content.Remove("_kuzzle_info");
            var credentials = new JsonObject();
            if (generate)
            {
                credentials["local"] = GeneratedCredentials(context, id, content, usernamePath);
            }

            return new JsonObject { ["content"] = content, ["credentials"] = credentials };
        });
        if (generate)
        {
            context.Console.Ok("Credentials have been generated");
        }

        return KourouApp.Success;
    }

    /// <summary>Local credentials with a random 40-character password; the username is read on the SDK's User object (_id, content).</summary>
    private static JsonObject GeneratedCredentials(CommandContext context, string id, JsonObject content, string usernamePath)
    {
        var user = new JsonObject { ["_id"] = id, ["content"] = content.DeepClone() };
        var value = JsonText.Get(user, usernamePath, out var found);
        var username = found && value is JsonValue v && v.ToString() is { Length: > 0 } text ? text : null;
        if (username is null)
        {
            context.Console.Info($"User {id} does not have a \"{usernamePath}\" property. Use user ID instead.");
            username = id;
        }

        return new JsonObject { ["username"] = username, ["password"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20)) };
    }

    private static int BatchSize(CommandContext context) =>
        int.TryParse(context.Args.Get("batch-size"), out var size) && size is > 0 and <= 10_000
            ? size
            : throw new UsageException($"Invalid --batch-size \"{context.Args.Get("batch-size")}\": expected 1 to 10000");

    private static List<Regex> Excludes(CommandContext context)
    {
        try
        {
            return [.. context.Args.GetAll("exclude").Select(e => new Regex(e, RegexOptions.None, TimeSpan.FromSeconds(1)))];
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"Invalid --exclude regular expression: {ex.Message}");
        }
    }
}

/// <summary><c>user:import &lt;file&gt;</c>: <c>security:createUser</c> for every user of a dump.</summary>
internal sealed class UserImportCommand : Command
{
    public override string Name => "user:import";

    public override string Description => "Imports users";

    public override string Usage => "<file>";

    protected override int RequiredPositionals => 1;

    public override async Task<int> RunAsync(CommandContext context)
    {
        var path = context.Args.Positionals[0];
        context.Console.Info($"Importing users from {path} ...");
        var content = await SecurityDump.ReadAsync(path, "users", "users", context.Cancellation);
        var failed = false;
        var count = await SecurityDump.ImportAllAsync(
            [.. content],
            user => new JsonObject
            {
                ["controller"] = "security",
                ["action"] = "createUser",
                ["_id"] = user.Key,
                ["body"] = user.Value?.DeepClone(),
            },
            (user, ex) =>
            {
                failed = true;
                context.Console.Ko($"Error importing user {user.Key}: {ex.Message}");
            },
            context.Session, context.Console, "users", context.Cancellation);
        context.Console.Ok($"{count} users restored");
        return failed ? KourouApp.ApiError : KourouApp.Success;
    }
}

/// <summary><c>profile:export</c>: profiles to <c>&lt;path&gt;/profiles.json</c>.</summary>
internal sealed class ProfileExportCommand : Command
{
    public override string Name => "profile:export";

    public override string Description => "Exports profiles";

    public override string Usage => "[--path profiles]";

    protected override IEnumerable<FlagSpec> OwnFlags => [new("path", "Dump directory", Default: "profiles")];

    public override async Task<int> RunAsync(CommandContext context)
    {
        await SecurityDump.ExportAsync(context, "profiles", "searchProfiles", "scrollProfiles", "3s", 100, hit =>
        {
            var source = hit["_source"] as JsonObject;
            var profile = new JsonObject { ["policies"] = source?["policies"]?.DeepClone() };
            // Kourou keeps only the policies; the rate limit is part of the profile too, and createOrReplaceProfile takes it back.
            if (source?["rateLimit"] is { } rateLimit)
            {
                profile["rateLimit"] = rateLimit.DeepClone();
            }

            return profile;
        });
        return KourouApp.Success;
    }
}

/// <summary><c>profile:import &lt;file&gt;</c>: <c>security:createOrReplaceProfile</c> (forced) for every profile of a dump.</summary>
internal sealed class ProfileImportCommand : Command
{
    public override string Name => "profile:import";

    public override string Description => "Imports profiles";

    public override string Usage => "<file>";

    protected override int RequiredPositionals => 1;

    public override async Task<int> RunAsync(CommandContext context)
    {
        var path = context.Args.Positionals[0];
        context.Console.Info($"Importing profiles from {path} ...");
        var content = await SecurityDump.ReadAsync(path, "profiles", "profiles", context.Cancellation);
        return await ReplaceAllAsync(context, content, "createOrReplaceProfile", "profiles");
    }

    /// <summary>Forced createOrReplace of every entry; any failure fails the command (exit code 1) after the others ran.</summary>
    internal static async Task<int> ReplaceAllAsync(CommandContext context, JsonObject content, string action, string what)
    {
        Client.KuzzleException? firstError = null;
        var count = await SecurityDump.ImportAllAsync(
            [.. content],
            entry => new JsonObject
            {
                ["controller"] = "security",
                ["action"] = action,
                ["_id"] = entry.Key,
                ["force"] = true,
                ["body"] = entry.Value?.DeepClone(),
            },
            (entry, ex) =>
            {
                Interlocked.CompareExchange(ref firstError, ex, null);
                context.Console.Ko($"Error importing {entry.Key}: {ex.Message}");
            },
            context.Session, context.Console, what, context.Cancellation);
        if (firstError is not null)
        {
            throw firstError;
        }

        context.Console.Ok($"{count} {what} restored");
        return KourouApp.Success;
    }
}

/// <summary><c>role:export</c>: roles to <c>&lt;path&gt;/roles.json</c>.</summary>
internal sealed class RoleExportCommand : Command
{
    public override string Name => "role:export";

    public override string Description => "Exports roles";

    public override string Usage => "[--path roles]";

    protected override IEnumerable<FlagSpec> OwnFlags => [new("path", "Dump directory", Default: "roles")];

    public override async Task<int> RunAsync(CommandContext context)
    {
        // Roles have no scroll action: from/size pages.
        await SecurityDump.ExportAsync(context, "roles", "searchRoles", null, "", 100, hit =>
            new JsonObject { ["controllers"] = hit["_source"]?["controllers"]?.DeepClone() });
        return KourouApp.Success;
    }
}

/// <summary><c>role:import &lt;file&gt; [--preserve-anonymous]</c>: <c>security:createOrReplaceRole</c> (forced) for every role.</summary>
internal sealed class RoleImportCommand : Command
{
    public override string Name => "role:import";

    public override string Description => "Import roles";

    public override string Usage => "<file> [--preserve-anonymous]";

    protected override int RequiredPositionals => 1;

    protected override IEnumerable<FlagSpec> OwnFlags => [FlagSpec.Switch("preserve-anonymous", "Preserve anonymous rights")];

    public override async Task<int> RunAsync(CommandContext context)
    {
        var path = context.Args.Positionals[0];
        context.Console.Info($"Importing roles from {path} ...");
        var content = await SecurityDump.ReadAsync(path, "roles", "roles", context.Cancellation);
        var preserve = context.Args.Has("preserve-anonymous");
        // Kourou reads anonymous.controllers["*"].actions["*"]: false there means the dump takes every right from anonymous.
        var anonymousClosed = content["anonymous"]?["controllers"]?["*"]?["actions"]?["*"] is JsonValue v && v.TryGetValue<bool>(out var allowed) && !allowed;
        if (!preserve && anonymousClosed)
        {
            if (context.Session.Settings.Anonymous && context.Session.Settings.ApiKey is null)
            {
                context.Console.Ko("You are currently logged in as \"anonymous\" and anonymous role rights will be overwritten.");
                context.Console.Info("Use the --preserve-anonymous flag to keep the default anonymous rights.");
                throw new UsageException("Please authenticate before importing or use --preserve-anonymous.");
            }

            context.Console.Info("Anonymous user rights will be overwritten.");
            context.Console.Info("Use the --preserve-anonymous flag to keep default anonymous rights.");
            if (context.Interactive)
            {
                // Only a person at a terminal can still abort; a script is not made to wait.
                context.Console.Info("Press CTRL+C to abort or wait 4 sec");
                await Task.Delay(TimeSpan.FromSeconds(4), context.Cancellation);
            }
        }
        else if (preserve)
        {
            context.Console.Info("Anonymous user rights has been preserved.");
            content.Remove("anonymous");
        }

        return await ProfileImportCommand.ReplaceAllAsync(context, content, "createOrReplaceRole", "roles");
    }
}

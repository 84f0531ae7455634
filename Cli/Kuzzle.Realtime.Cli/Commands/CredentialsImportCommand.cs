using System.Text.Json.Nodes;
using Kuzzle.Realtime.Cli.Dumps;
using Kuzzle.Realtime.Cli.Parsing;

namespace Kuzzle.Realtime.Cli.Commands;

/// <summary>
/// <c>user:import-credentials &lt;file&gt;</c> (beyond Kourou): gives users imported from a Kuzzle installation their local
/// credentials back, hashes included, through <c>security:createCredentials</c>; each user then logs in with the password they
/// had, and the server re-hashes it with argon2id at that first login.
/// </summary>
internal sealed class CredentialsImportCommand : Command
{
    public override string Name => "user:import-credentials";

    public override string Description => "Imports the local credentials (password hashes) of a Kuzzle installation's users";

    public override string Usage => "<file: kuzzle-plugin-auth-passport-local users documents, JSON lines or array>";

    protected override int RequiredPositionals => 1;

    public override async Task<int> RunAsync(CommandContext context)
    {
        var path = context.Args.Positionals[0];
        context.Console.Info($"Importing local credentials from {path} ...");
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, context.Cancellation);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot read \"{path}\": {ex.Message}");
        }

        var credentials = KuzzleLocalCredentials.Parse(text, path);
        var failed = false;
        var count = await SecurityDump.ImportAllAsync(
            credentials,
            credential =>
            {
                var body = (JsonObject)credential.Hash.DeepClone();
                body["username"] = credential.Username;
                return new JsonObject
                {
                    ["controller"] = "security",
                    ["action"] = "createCredentials",
                    ["strategy"] = "local",
                    ["_id"] = credential.Kuid,
                    ["body"] = body,
                };
            },
            (credential, ex) =>
            {
                failed = true;
                context.Console.Ko($"Error importing the credentials of \"{credential.Username}\" (user {credential.Kuid}): {ex.Message}");
            },
            context.Session, context.Console, "credentials", context.Cancellation);
        context.Console.Ok($"{count} credentials imported");
        return failed ? KourouApp.ApiError : KourouApp.Success;
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kuzzle.Realtime.Cli.Tests.Support;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Cli.Tests;

/// <summary><c>--as</c>, <c>api-key:*</c>, the security dumps and the Kuzzle credentials import.</summary>
public sealed class SecurityCommandsTests : CliFixture
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("kourou-dump-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task As_runs_the_command_as_the_user_and_deletes_the_temporary_key()
    {
        var result = await Kourou.RunAsync(["auth:getCurrentUser", "--as", "melis", .. AsAdmin], stdin: null);
        var refused = await Kourou.RunAsync(["security:getUser", "--id", "admin", "--as", "melis", .. AsAdmin], stdin: null);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Json(result).GetProperty("_id").GetString(), Is.EqualTo("melis"));
        Assert.That(result.Stderr, Does.Contain("[ℹ] Impersonate user \"melis\""));
        Assert.That(refused.ExitCode, Is.EqualTo(1), "melis may not read users: " + refused);
        Assert.That(refused.Stderr, Does.Contain("Error status: 403"));
        var keys = await AdminRequestAsync("""{"controller":"security","action":"searchApiKeys","userId":"melis","body":{"match":{"description":"Kourou impersonation token"}}}""");
        Assert.That(keys.GetProperty("result").GetProperty("hits").GetArrayLength(), Is.Zero, "the impersonation keys are deleted, even after a failure");
    }

    [Test]
    public async Task Api_key_create_check_search_and_delete()
    {
        var created = await Kourou.RunAsync(["api-key:create", "melis", "-d", "sigfox gateway", "--id", "gateway-key", .. AsAdmin], stdin: null);
        Assert.That(created.ExitCode, Is.EqualTo(0), created.ToString());
        Assert.That(created.Stderr, Does.Contain("[✔] Successfully created API Key \"gateway-key\" for user \"melis\""));
        var token = created.Stdout.Trim();
        Assert.That(token, Does.StartWith("kapikey-"));

        var check = await Kourou.RunAsync(["api-key:check", token, .. AsAdmin], stdin: null);
        var search = await Kourou.RunAsync(["api-key:search", "melis", "--filter", "sigfox", .. AsAdmin], stdin: null);
        var deleted = await Kourou.RunAsync(["api-key:delete", "melis", "gateway-key", .. AsAdmin], stdin: null);
        var checkAgain = await Kourou.RunAsync(["api-key:check", token, .. AsAdmin], stdin: null);

        Assert.Multiple(() =>
        {
            Assert.That(check.ExitCode, Is.EqualTo(0), check.ToString());
            Assert.That(check.Stderr, Does.Contain("[✔] API key is still valid"));
            Assert.That(search.Stderr, Does.Contain("[✔] 1 API Keys found for user melis"), search.ToString());
            Assert.That(search.Stdout, Does.Contain(" - Key \"gateway-key\"").And.Contain("Description: sigfox gateway"));
            Assert.That(deleted.Stderr, Does.Contain("[✔] Successfully deleted API Key \"gateway-key\" of user \"melis\""), deleted.ToString());
            Assert.That(checkAgain.ExitCode, Is.EqualTo(1), checkAgain.ToString());
            Assert.That(checkAgain.Stderr, Does.Contain("[X] API key is not valid"));
        });
    }

    [Test]
    public async Task Roles_profiles_and_users_survive_an_export_import_round_trip()
    {
        await AssertOkAsync(AdminRequestAsync("""{"controller":"security","action":"createRole","_id":"dump-role","body":{"controllers":{"auth":{"actions":{"getCurrentUser":true,"checkToken":true}}}}}"""));
        await AssertOkAsync(AdminRequestAsync("""{"controller":"security","action":"createProfile","_id":"dump-profile","body":{"policies":[{"roleId":"dump-role"}],"rateLimit":7}}"""));
        foreach (var id in new[] { "dump-u1", "dump-u2" })
        {
            await AssertOkAsync(AdminRequestAsync($$$$"""{"controller":"security","action":"createUser","_id":"{{{{id}}}}","body":{"content":{"profileIds":["dump-profile"],"email":"{{{{id}}}}@example.com"}}}"""));
        }

        var roles = await Kourou.RunAsync(["role:export", "--path", _directory, .. AsAdmin], stdin: null);
        var profiles = await Kourou.RunAsync(["profile:export", "--path", _directory, .. AsAdmin], stdin: null);
        var users = await Kourou.RunAsync(["user:export", "--path", _directory, "--exclude", "^(?!dump-)", "--generate-credentials", "--generated-username", "content.email", .. AsAdmin], stdin: null);
        Assert.That(roles.ExitCode, Is.EqualTo(0), roles.ToString());
        Assert.That(profiles.ExitCode, Is.EqualTo(0), profiles.ToString());
        Assert.That(users.ExitCode, Is.EqualTo(0), users.ToString());
        Assert.That(users.Stderr, Does.Contain("[✔] 2 users dumped").And.Contain("[✔] Credentials have been generated"));

        var userDump = TestServer.Json(await File.ReadAllTextAsync(Path.Combine(_directory, "users.json")));
        var roleDump = TestServer.Json(await File.ReadAllTextAsync(Path.Combine(_directory, "roles.json")));
        var profileDump = TestServer.Json(await File.ReadAllTextAsync(Path.Combine(_directory, "profiles.json")));
        var u1 = userDump.GetProperty("content").GetProperty("dump-u1");
        Assert.Multiple(() =>
        {
            Assert.That(userDump.GetProperty("type").GetString(), Is.EqualTo("users"));
            Assert.That(u1.GetProperty("content").GetProperty("email").GetString(), Is.EqualTo("dump-u1@example.com"));
            Assert.That(u1.GetProperty("content").TryGetProperty("_kuzzle_info", out _), Is.False);
            Assert.That(u1.GetProperty("credentials").GetProperty("local").GetProperty("username").GetString(), Is.EqualTo("dump-u1@example.com"));
            Assert.That(u1.GetProperty("credentials").GetProperty("local").GetProperty("password").GetString(), Has.Length.EqualTo(40));
            Assert.That(roleDump.GetProperty("type").GetString(), Is.EqualTo("roles"));
            Assert.That(roleDump.GetProperty("content").GetProperty("dump-role").GetProperty("controllers").GetProperty("auth").GetProperty("actions").GetProperty("checkToken").GetBoolean(), Is.True);
            Assert.That(profileDump.GetProperty("type").GetString(), Is.EqualTo("profiles"));
            Assert.That(profileDump.GetProperty("content").GetProperty("dump-profile").GetProperty("policies")[0].GetProperty("roleId").GetString(), Is.EqualTo("dump-role"));
        });

        await AssertOkAsync(AdminRequestAsync("""{"controller":"security","action":"mDeleteUsers","refresh":"wait_for","body":{"ids":["dump-u1","dump-u2"]}}"""));
        await AssertOkAsync(AdminRequestAsync("""{"controller":"security","action":"deleteProfile","_id":"dump-profile"}"""));
        await AssertOkAsync(AdminRequestAsync("""{"controller":"security","action":"deleteRole","_id":"dump-role"}"""));

        var roleImport = await Kourou.RunAsync(["role:import", Path.Combine(_directory, "roles.json"), .. AsAdmin], stdin: null);
        var profileImport = await Kourou.RunAsync(["profile:import", Path.Combine(_directory, "profiles.json"), .. AsAdmin], stdin: null);
        var userImport = await Kourou.RunAsync(["user:import", Path.Combine(_directory, "users.json"), .. AsAdmin], stdin: null);
        Assert.That(roleImport.ExitCode, Is.EqualTo(0), roleImport.ToString());
        Assert.That(profileImport.ExitCode, Is.EqualTo(0), profileImport.ToString());
        Assert.That(userImport.ExitCode, Is.EqualTo(0), userImport.ToString());
        Assert.That(userImport.Stderr, Does.Contain("[✔] 2 users restored"));

        var role = await AdminRequestAsync("""{"controller":"security","action":"getRole","_id":"dump-role"}""");
        var profile = await AdminRequestAsync("""{"controller":"security","action":"getProfile","_id":"dump-profile"}""");
        var user = await AdminRequestAsync("""{"controller":"security","action":"getUser","_id":"dump-u2"}""");
        Assert.Multiple(() =>
        {
            Assert.That(role.GetProperty("result").GetProperty("_source").GetProperty("controllers").GetProperty("auth").GetProperty("actions").GetProperty("getCurrentUser").GetBoolean(), Is.True);
            Assert.That(profile.GetProperty("result").GetProperty("_source").GetProperty("rateLimit").GetInt32(), Is.EqualTo(7));
            Assert.That(user.GetProperty("result").GetProperty("_source").GetProperty("email").GetString(), Is.EqualTo("dump-u2@example.com"));
        });

        // The generated credentials were imported with the users: they log in with them.
        var password = u1.GetProperty("credentials").GetProperty("local").GetProperty("password").GetString()!;
        var login = await Kourou.RunAsync("auth:getCurrentUser", "--username", "dump-u1@example.com", "--password", password);
        Assert.That(login.ExitCode, Is.EqualTo(0), login.ToString());
        Assert.That(Json(login).GetProperty("_id").GetString(), Is.EqualTo("dump-u1"));
    }

    [Test]
    public async Task On_a_terminal_status_lines_are_coloured_and_exports_show_progress_unless_NO_COLOR()
    {
        string[] export = ["user:export", "--path", _directory, .. AsAdmin];

        var coloured = await Kourou.RunOnTerminalAsync(export);
        var plain = await Kourou.RunOnTerminalAsync(export, new Dictionary<string, string> { ["NO_COLOR"] = "1" });

        Assert.Multiple(() =>
        {
            Assert.That(coloured.ExitCode, Is.EqualTo(0), coloured.ToString());
            Assert.That(coloured.Stdout, Does.Contain("\u001b[32m[✔]"), "green success line");
            Assert.That(coloured.Stdout, Does.Match(@"\r \u001b\[33m\[ℹ\] Read \d+/\d+ users"), "progress redrawn in place");
            Assert.That(plain.ExitCode, Is.EqualTo(0), plain.ToString());
            Assert.That(plain.Stdout, Does.Contain(" [✔] "));
            Assert.That(plain.Stdout, Does.Not.Contain("\u001b[3"), "no colour with NO_COLOR");
        });
    }

    [Test]
    public async Task Importing_a_dump_of_the_wrong_type_is_refused()
    {
        var path = Path.Combine(_directory, "roles.json");
        await File.WriteAllTextAsync(path, """{"type":"roles","content":{}}""");

        var result = await Kourou.RunAsync(["user:import", path, .. AsAdmin], stdin: null);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("[X] Dump file does not contain users definition"));
    }

    [Test]
    public async Task Kuzzle_local_credentials_are_imported_and_the_old_password_logs_in()
    {
        await AssertOkAsync(AdminRequestAsync("""{"controller":"security","action":"createUser","_id":"legacy-kuid","body":{"content":{"profileIds":["default"]}}}"""));
        // What kuzzle-plugin-auth-passport-local stored with its defaults: PBKDF2-HMAC-SHA512, 10000 iterations, the salt's
        // hex text as the salt, 512 bytes of output in hex. Computed here with .NET's primitive, not with the server's code.
        var salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(128));
        var hash = Convert.ToHexStringLower(Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes("old-secret"), Encoding.UTF8.GetBytes(salt), 10000, HashAlgorithmName.SHA512, 512));
        var path = Path.Combine(_directory, "users.jsonl");
        await File.WriteAllLinesAsync(path,
        [
            """{"type":"collection","index":"%kuzzle-plugin-auth-passport-local","collection":"users"}""",
            JsonSerializer.Serialize(new
            {
                _id = "old-name",
                _source = new { kuid = "legacy-kuid", userPassword = hash, userSalt = salt, algorithm = "sha512", stretching = true, pepper = false, encryption = "hmac" },
            }),
        ]);

        var imported = await Kourou.RunAsync(["user:import-credentials", path, .. AsAdmin], stdin: null);
        Assert.That(imported.ExitCode, Is.EqualTo(0), imported.ToString());
        Assert.That(imported.Stderr, Does.Contain("[✔] 1 credentials imported"));

        var wrong = await Kourou.RunAsync("auth:getCurrentUser", "--username", "old-name", "--password", "not-it");
        var login = await Kourou.RunAsync("auth:getCurrentUser", "--username", "old-name", "--password", "old-secret");
        var again = await Kourou.RunAsync("auth:getCurrentUser", "--username", "old-name", "--password", "old-secret");
        Assert.Multiple(() =>
        {
            Assert.That(wrong.ExitCode, Is.EqualTo(2), wrong.ToString());
            Assert.That(login.ExitCode, Is.EqualTo(0), login.ToString());
            Assert.That(Json(login).GetProperty("_id").GetString(), Is.EqualTo("legacy-kuid"));
            Assert.That(again.ExitCode, Is.EqualTo(0), "after the re-hash to argon2id: " + again);
        });

        var twice = await Kourou.RunAsync(["user:import-credentials", path, .. AsAdmin], stdin: null);
        Assert.That(twice.ExitCode, Is.EqualTo(1), twice.ToString());
        Assert.That(twice.Stderr, Does.Contain("[X] Error importing the credentials of \"old-name\" (user legacy-kuid)"));
    }

    private static async Task AssertOkAsync(Task<JsonElement> response)
    {
        var answer = await response;
        Assert.That(answer.GetProperty("status").GetInt32(), Is.EqualTo(200), answer.ToString());
    }
}

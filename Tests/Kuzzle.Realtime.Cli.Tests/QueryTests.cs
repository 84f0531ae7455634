using Kuzzle.Realtime.Cli.Tests.Support;

namespace Kuzzle.Realtime.Cli.Tests;

/// <summary>The API fallback and <c>sdk:query</c> (cli.md §4): bodies from standard input or in JavaScript syntax, output streams.</summary>
public sealed class QueryTests : CliFixture
{
    [Test]
    public async Task The_body_is_read_from_standard_input_first()
    {
        var result = await Kourou.RunAsync(["auth:login", "-a", "strategy=local", "--body", "{}"], """{"username":"melis","password":"password"}""");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Json(result).GetProperty("_id").GetString(), Is.EqualTo("melis"));
    }

    [TestCase("{ username: 'melis', password: \"password\", }")]
    [TestCase("{ username: 'mel' + 'is', password: ['pass', 'word'].join('') }")]
    [TestCase("{\"username\":\"melis\",\"password\":\"password\"}")]
    public async Task Javascript_and_json_bodies_are_accepted(string body)
    {
        var result = await Kourou.RunAsync("sdk:query", "auth:login", "-a", "strategy=local", "--body", body);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Json(result).GetProperty("_id").GetString(), Is.EqualTo("melis"));
    }

    [Test]
    public async Task A_javascript_expression_is_evaluated_before_sending()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var result = await Kourou.RunAsync(["security:createUser", "--id", "expr-user", "--display", "result._source", "--body",
            "{ content: { profileIds: ['default'], createdBy: 'kourou', at: Date.now() } }", .. AsAdmin], stdin: null);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var source = Json(result);
        Assert.That(source.GetProperty("at").GetInt64(), Is.GreaterThanOrEqualTo(before));
        Assert.That(source.GetProperty("createdBy").GetString(), Is.EqualTo("kourou"));
    }

    [Test]
    public async Task Positional_arguments_map_to_index_collection_and_body()
    {
        var result = await Kourou.RunAsync(["realtime:publish", "iot", "sensors", "{ temperature: 21 }", "--display", "", .. AsAdmin], stdin: null);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var response = Json(result);
        Assert.Multiple(() =>
        {
            Assert.That(response.GetProperty("index").GetString(), Is.EqualTo("iot"));
            Assert.That(response.GetProperty("collection").GetString(), Is.EqualTo("sensors"));
            Assert.That(response.GetProperty("result").GetProperty("published").GetBoolean(), Is.True);
            Assert.That(response.GetProperty("volatile").GetProperty("client").GetString(), Does.StartWith("kourou@"), "Kourou's volatile tag");
            Assert.That(result.Stderr, Does.Contain("[ℹ] Unknown command \"realtime:publish\", fallback to API action"));
        });
    }

    [Test]
    public async Task Results_go_to_stdout_and_status_lines_to_stderr_without_colours()
    {
        var result = await Kourou.RunAsync(["server:now", .. AsAdmin], stdin: null);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(Json(result).GetProperty("now").GetInt64(), Is.GreaterThan(0));
            Assert.That(result.Stderr, Does.Contain(" 🚀 Kourou - Executes an API query."));
            Assert.That(result.Stderr, Does.Contain(" [✔] Successfully executed \"server:now\""));
            Assert.That(result.Stderr, Does.Not.Contain("\u001b["), "no colour codes when not on a terminal");
        });
    }

    [Test]
    public async Task Print_raw_prints_only_the_result()
    {
        var result = await Kourou.RunAsync(["server:now", "--print-raw", "--display", "result.now", .. AsAdmin], stdin: null);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stderr, Is.Empty);
        Assert.That(long.Parse(result.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(0));
    }

    [Test]
    public async Task An_api_error_prints_kourous_error_block_and_exits_1()
    {
        var result = await Kourou.RunAsync(["security:getUser", "--id", "nobody", .. AsAdmin], stdin: null);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(result.Stdout, Is.Empty);
            Assert.That(result.Stderr, Does.Contain("[X] Error stack:"));
            Assert.That(result.Stderr, Does.Contain("Error status: 404"));
            Assert.That(result.Stderr, Does.Contain("Error id: security.user.not_found"));
        });
    }

    [Test]
    public async Task Connection_settings_come_from_flags_over_the_environment()
    {
        var result = await Kourou.RunAsync(["server:now", "--host", "127.0.0.1", "--port", Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--protocol", "http"], stdin: null,
            new Dictionary<string, string> { ["KUZZLE_PORT"] = "1", ["KUZZLE_USERNAME"] = "admin", ["KUZZLE_PASSWORD"] = "admin-password" });

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stderr, Does.Contain($"Connecting to http://127.0.0.1:{Server.Port} ..."));
        Assert.That(result.Stderr, Does.Contain("Logged in as admin."), "KUZZLE_USERNAME/KUZZLE_PASSWORD log in");
    }

    [Test]
    public async Task An_api_key_from_the_environment_is_used_as_the_token()
    {
        var key = await AdminRequestAsync("""{"controller":"security","action":"createApiKey","userId":"melis","body":{"description":"env key"}}""");
        var token = key.GetProperty("result").GetProperty("_source").GetProperty("token").GetString()!;

        var result = await Kourou.RunAsync(["auth:getCurrentUser"], stdin: null, new Dictionary<string, string> { ["KUZZLE_API_KEY"] = token });

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Json(result).GetProperty("_id").GetString(), Is.EqualTo("melis"));
    }

    [Test]
    public async Task Sdk_execute_returns_values_as_json_and_reports_errors()
    {
        var ok = await Kourou.RunAsync(["sdk:execute", "return { now: (await sdk.server.now()) > 0, who: name }", "-v", "name=\"kourou\"", "--print-raw", .. AsAdmin], stdin: null);
        var thrown = await Kourou.RunAsync("sdk:execute", "throw new Error('failure')");
        var api = await Kourou.RunAsync(["sdk:execute", .. AsAdmin], stdin: "await sdk.security.getUser('nobody')");

        Assert.Multiple(() =>
        {
            Assert.That(ok.ExitCode, Is.EqualTo(0), ok.ToString());
            Assert.That(Json(ok).GetProperty("now").GetBoolean(), Is.True);
            Assert.That(Json(ok).GetProperty("who").GetString(), Is.EqualTo("kourou"));
            Assert.That(thrown.ExitCode, Is.EqualTo(1), thrown.ToString());
            Assert.That(thrown.Stderr, Does.Contain("[X] Error when executing SDK code: Error: failure"));
            Assert.That(api.ExitCode, Is.EqualTo(1), api.ToString());
            Assert.That(api.Stderr, Does.Contain("KuzzleError: User \"nobody\" not found"));
        });
    }
}

using Kuzzle.Realtime.Cli.Tests.Support;

namespace Kuzzle.Realtime.Cli.Tests;

/// <summary>Bad input: one clear line on standard error, exit code 2, nothing on standard output, never a stack trace.</summary>
public sealed class BadInputTests : CliFixture
{
    [Test]
    public async Task Unknown_flag()
    {
        var result = await Kourou.RunAsync("server:now", "--colour");

        AssertUsageError(result, "[X] Unknown flag \"--colour\"");
    }

    [Test]
    public async Task Unknown_command()
    {
        var result = await Kourou.RunAsync("serve");

        AssertUsageError(result, "[X] Unknown command \"serve\"");
    }

    [TestCase("{ username: }")]
    [TestCase("{\"a\": 1")]
    [TestCase("{ a: undefinedVariable }")]
    public async Task Unparsable_body(string body)
    {
        var result = await Kourou.RunAsync("auth:login", "-a", "strategy=local", "--body", body);

        AssertUsageError(result, "[X] Cannot parse the body:");
        Assert.That(result.Stderr, Does.Not.Contain("Connecting to"), "refused before connecting");
    }

    [Test]
    public async Task Unparsable_body_on_standard_input()
    {
        var result = await Kourou.RunAsync(["server:now"], "{ not json");

        AssertUsageError(result, "[X] Cannot parse the body:");
    }

    [Test]
    public async Task Unreachable_server_names_the_address_it_tried()
    {
        var port = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var ws = await Kourou.RunAsync("server:now", "--port", port);
        var http = await Kourou.RunAsync("server:now", "--port", port, "--protocol", "http");

        AssertUsageError(ws, $"[X] Cannot connect to Kuzzle at ws://127.0.0.1:{port}");
        AssertUsageError(http, $"[X] Cannot connect to Kuzzle at http://127.0.0.1:{port}");
    }

    [Test]
    public async Task Refused_login()
    {
        var result = await Kourou.RunAsync("server:now", "--username", "melis", "--password", "wrong");

        AssertUsageError(result, "[X] Login refused for \"melis\": wrong username or password");
    }

    [Test]
    public async Task Missing_required_flag_or_argument()
    {
        var noDescription = await Kourou.RunAsync("api-key:create", "melis");
        var noFile = await Kourou.RunAsync("user:import");

        AssertUsageError(noDescription, "[X] Missing required flag --description");
        AssertUsageError(noFile, "[X] Missing argument");
    }

    [Test]
    public async Task Bad_port_and_protocol()
    {
        AssertUsageError(await Kourou.RunAsync("server:now", "--port", "seventy"), "[X] Invalid port \"seventy\"");
        AssertUsageError(await Kourou.RunAsync("server:now", "--protocol", "mqtt"), "[X] Unknown protocol \"mqtt\"");
    }

    private static void AssertUsageError(KourouResult result, string line)
    {
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
            Assert.That(result.Stdout, Is.Empty, result.ToString());
            Assert.That(result.Stderr, Does.Contain(line), result.ToString());
            Assert.That(result.Stderr.Split('\n').Count(l => l.Contains("[X]", StringComparison.Ordinal)), Is.EqualTo(1), "one error line: " + result);
            Assert.That(result.Stderr, Does.Not.Contain("   at ").And.Not.Contain("Exception"), "no stack trace: " + result);
        });
    }
}

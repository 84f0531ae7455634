using Kuzzle.Realtime.Cli.Tests.Support;

namespace Kuzzle.Realtime.Cli.Tests;

/// <summary>The four command lines of Kuzzle's "Authenticate Users" guide, run verbatim by a shell (cli.md §1).</summary>
public sealed class GuideExamplesTests : CliFixture
{
    [Test]
    public async Task Login_with_a_javascript_object_body_prints_the_token()
    {
        var result = await Kourou.RunShellAsync("""
            kourou auth:login -a strategy=local --body '{
              username: "melis",
              password: "password"
            }'
            """);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var login = Json(result);
        Assert.Multiple(() =>
        {
            Assert.That(login.GetProperty("_id").GetString(), Is.EqualTo("melis"));
            Assert.That(login.GetProperty("jwt").GetString(), Does.StartWith("kauth-"));
            Assert.That(result.Stderr, Does.Contain("🚀 Kourou - Executes an API query."));
            Assert.That(result.Stderr, Does.Contain("[✔] Successfully executed \"auth:login\""));
        });
    }

    [Test]
    public async Task GetCurrentUser_with_the_token_as_an_argument()
    {
        var token = await LoginAsync("melis", "password");

        var result = await Kourou.RunShellAsync($"kourou auth:getCurrentUser -a jwt={token}");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Json(result).GetProperty("_id").GetString(), Is.EqualTo("melis"));
    }

    [Test]
    public async Task Sdk_execute_sets_the_token_and_prints_the_current_user()
    {
        var token = await LoginAsync("melis", "password");

        var result = await Kourou.RunShellAsync($$"""
            kourou sdk:execute '
              sdk.jwt = "{{token}}";
              console.log(await sdk.auth.getCurrentUser());
            '
            """);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var user = Json(result);
        Assert.Multiple(() =>
        {
            Assert.That(user.GetProperty("_id").GetString(), Is.EqualTo("melis"));
            Assert.That(user.GetProperty("content").GetProperty("profileIds")[0].GetString(), Is.EqualTo("default"));
            Assert.That(result.Stderr, Does.Contain("[✔] Successfully executed SDK code"));
        });
    }

    [Test]
    public async Task GetCurrentUser_logged_in_with_username_and_password()
    {
        var result = await Kourou.RunShellAsync("kourou auth:getCurrentUser --username melis --password password");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Json(result).GetProperty("_id").GetString(), Is.EqualTo("melis"));
    }
}

using System.Net;
using System.Text;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Auth;

/// <summary>Failed logins counted per client address across accounts and connections (our addition to Kuzzle's per-socket limit).</summary>
[TestFixture]
public sealed class LoginThrottleTests
{
    [Test]
    public async Task Guessing_across_accounts_from_one_address_is_stopped()
    {
        await using var server = await TestServer.StartAsync("--Kuzzle:Security:LoginThrottle:MaxFailuresPerAddress=3", "--Kuzzle:Security:LoginThrottle:MaxFailuresPerAccount=0");
        await TestUsers.CreateAsync(server, "honest-kuid", "honest", "password", "default");
        using var http = server.CreateHttpClient();

        foreach (var account in new[] { "a", "b", "c" })
        {
            using var failed = await Login(http, account, "guess");
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        using var blocked = await Login(http, "honest", "password");
        var body = await blocked.Content.ReadAsStringAsync();

        Assert.That((int)blocked.StatusCode, Is.EqualTo(429), body);
        Assert.That(TestServer.Json(body).GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("api.process.too_many_logins_requests"));
    }

    [Test]
    public async Task A_locked_account_does_not_lock_the_others()
    {
        await using var server = await TestServer.StartAsync("--Kuzzle:Security:LoginThrottle:MaxFailuresPerAddress=0", "--Kuzzle:Security:LoginThrottle:MaxFailuresPerAccount=2");
        await TestUsers.CreateAsync(server, "target-kuid", "target", "password", "default");
        await TestUsers.CreateAsync(server, "bystander-kuid", "bystander", "password", "default");
        using var http = server.CreateHttpClient();
        for (var i = 0; i < 2; i++)
        {
            using var failed = await Login(http, "target", "guess");
        }

        using var target = await Login(http, "target", "password");
        using var bystander = await Login(http, "bystander", "password");

        Assert.That((int)target.StatusCode, Is.EqualTo(429));
        Assert.That(bystander.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private static Task<HttpResponseMessage> Login(HttpClient http, string username, string password) =>
        http.PostAsync("/_login/local", new StringContent($$"""{"username":"{{username}}","password":"{{password}}"}""", Encoding.UTF8, "application/json"));
}

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

    [Test]
    public async Task A_wrong_current_password_is_checked_before_the_reuse_policy_and_counted_by_the_throttle()
    {
        await using var server = await TestServer.StartAsync(
            "--Kuzzle:Auth:Strategies:local:Options:requirePassword=true",
            "--Kuzzle:Auth:Strategies:local:Options:passwordPolicies:0:appliesTo=*",
            "--Kuzzle:Auth:Strategies:local:Options:passwordPolicies:0:forbidReusedPasswordCount=5",
            "--Kuzzle:Security:LoginThrottle:MaxFailuresPerAccount=3",
            "--Kuzzle:Security:LoginThrottle:MaxFailuresPerAddress=0");
        await TestUsers.CreateAsync(server, "oracle-kuid", "oracle", "Current-password-1", "default");
        await using var ws = await server.ConnectAsync();
        var jwt = await TestUsers.LoginAsync(ws, "oracle", "Current-password-1");

        async Task<System.Text.Json.JsonElement> Update(string candidate, string currentPassword) =>
            await ws.RequestAsync($$$"""{"controller":"auth","action":"updateMyCredentials","strategy":"local","jwt":"{{{jwt}}}","requestId":"{{{Guid.NewGuid():N}}}","body":{"password":"{{{candidate}}}","currentPassword":"{{{currentPassword}}}"}}""");

        // A session thief guessing the password: the right guess and a wrong one get the same answer.
        var rightGuess = await Update("Current-password-1", "not-the-password");
        var wrongGuess = await Update("Something-else-2", "not-the-password");
        Assert.That(rightGuess.GetProperty("status").GetInt32(), Is.EqualTo(403), rightGuess.ToString());
        Assert.That(rightGuess.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo(wrongGuess.GetProperty("error").GetProperty("message").GetString()));

        // The failures count: the third is the last one checked, then the throttle answers.
        await Update("Something-else-3", "not-the-password");
        var throttled = await Update("Something-else-4", "Current-password-1");
        Assert.That(throttled.GetProperty("status").GetInt32(), Is.EqualTo(429), throttled.ToString());
        Assert.That(throttled.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("api.process.too_many_logins_requests"));
    }

    [Test]
    public async Task Strangers_failing_on_an_account_do_not_lock_its_owner_out()
    {
        // Behind a trusted proxy (the test's loopback), X-Forwarded-For tells clients apart.
        await using var server = await TestServer.StartAsync(
            "--Kuzzle:Server:Http:TrustedProxies=127.0.0.1,::1",
            "--Kuzzle:Security:LoginThrottle:MaxFailuresPerAccount=2",
            "--Kuzzle:Security:LoginThrottle:MaxFailuresPerAddress=0",
            "--Kuzzle:Security:LoginThrottle:AccountDelayAfter=0");
        await TestUsers.CreateAsync(server, "admin-kuid", "admin-user", "password", "default");
        using var http = server.CreateHttpClient();
        for (var i = 0; i < 2; i++)
        {
            using var failed = await Login(http, "admin-user", "guess", forwardedFor: "203.0.113.5");
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        using var stranger = await Login(http, "admin-user", "password", forwardedFor: "203.0.113.5");
        using var owner = await Login(http, "admin-user", "password", forwardedFor: "198.51.100.7");
        using var spoofed = await Login(http, "admin-user", "password", forwardedFor: "198.51.100.7, 203.0.113.5");
        Assert.Multiple(() =>
        {
            Assert.That((int)stranger.StatusCode, Is.EqualTo(429), "the guessing address is locked out of that account");
            Assert.That(owner.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the owner, elsewhere, is not");
            Assert.That((int)spoofed.StatusCode, Is.EqualTo(429), "a client cannot choose its address: the hop the proxy saw counts");
        });
    }

    [Test]
    public async Task Without_trusted_proxies_X_Forwarded_For_is_ignored()
    {
        await using var server = await TestServer.StartAsync(
            "--Kuzzle:Security:LoginThrottle:MaxFailuresPerAccount=2", "--Kuzzle:Security:LoginThrottle:MaxFailuresPerAddress=0");
        await TestUsers.CreateAsync(server, "xff-kuid", "xff-user", "password", "default");
        using var http = server.CreateHttpClient();
        for (var i = 0; i < 2; i++)
        {
            using var failed = await Login(http, "xff-user", "guess", forwardedFor: $"203.0.113.{i}");
        }

        using var blocked = await Login(http, "xff-user", "password", forwardedFor: "198.51.100.7");
        Assert.That((int)blocked.StatusCode, Is.EqualTo(429));
    }

    [Test]
    public async Task Past_the_account_ceiling_attempts_wait_longer_and_longer_instead_of_being_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Kuzzle.Realtime.Server.Security.LoginThrottle.AccountDelay(99, 100, 5000), Is.EqualTo(TimeSpan.Zero));
            Assert.That(Kuzzle.Realtime.Server.Security.LoginThrottle.AccountDelay(100, 100, 5000), Is.EqualTo(TimeSpan.FromMilliseconds(100)));
            Assert.That(Kuzzle.Realtime.Server.Security.LoginThrottle.AccountDelay(102, 100, 5000), Is.EqualTo(TimeSpan.FromMilliseconds(400)));
            Assert.That(Kuzzle.Realtime.Server.Security.LoginThrottle.AccountDelay(10_000, 100, 5000), Is.EqualTo(TimeSpan.FromMilliseconds(5000)));
        });

        // Failures from many addresses pass the ceiling: the owner still logs in (after a wait), never a 429.
        await using var server = await TestServer.StartAsync(
            "--Kuzzle:Server:Http:TrustedProxies=127.0.0.1,::1",
            "--Kuzzle:Security:LoginThrottle:MaxFailuresPerAddress=0",
            "--Kuzzle:Security:LoginThrottle:AccountDelayAfter=3",
            "--Kuzzle:Security:LoginThrottle:MaxAccountDelay=200");
        await TestUsers.CreateAsync(server, "ceiling-kuid", "ceiling-user", "password", "default");
        using var http = server.CreateHttpClient();
        for (var i = 0; i < 5; i++)
        {
            using var failed = await Login(http, "ceiling-user", "guess", forwardedFor: $"203.0.113.{i}");
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        using var owner = await Login(http, "ceiling-user", "password", forwardedFor: "198.51.100.7");
        Assert.That(owner.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("", "10.0.0.1", "203.0.113.9", "10.0.0.1")]
    [TestCase("10.0.0.0/8", "10.0.0.1", "203.0.113.9", "203.0.113.9")]
    [TestCase("10.0.0.0/8", "10.0.0.1", "198.51.100.1, 203.0.113.9, 10.0.0.2", "203.0.113.9")]
    [TestCase("10.0.0.0/8", "192.0.2.1", "203.0.113.9", "192.0.2.1")]
    [TestCase("10.0.0.0/8", "10.0.0.1", "not-an-address", "10.0.0.1")]
    [TestCase("10.0.0.0/8", "10.0.0.1", "", "10.0.0.1")]
    public void The_client_address_is_read_through_trusted_proxies_only(string trusted, string peer, string forwardedFor, string expected) =>
        Assert.That(new Kuzzle.Realtime.Server.Network.ClientAddress(trusted).Resolve(IPAddress.Parse(peer), forwardedFor), Is.EqualTo(expected));

    private static async Task<HttpResponseMessage> Login(HttpClient http, string username, string password, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/_login/local")
        {
            Content = new StringContent($$"""{"username":"{{username}}","password":"{{password}}"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        return await http.SendAsync(request);
    }

    private static Task<HttpResponseMessage> Login(HttpClient http, string username, string password) =>
        http.PostAsync("/_login/local", new StringContent($$"""{"username":"{{username}}","password":"{{password}}"}""", Encoding.UTF8, "application/json"));
}

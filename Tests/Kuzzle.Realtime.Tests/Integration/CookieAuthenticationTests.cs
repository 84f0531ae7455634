using Kuzzle.Realtime.Server.Network;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Integration;

/// <summary>The authToken cookie (protocol.md §5.9) over HTTP and on WebSocket upgrades.</summary>
[TestFixture]
public sealed class CookieAuthenticationTests : ServerFixture
{
    [TestCase("a=1; authToken=xyz; b=2", "xyz")]
    [TestCase("authToken=null", null)]
    [TestCase("other=1", null)]
    [TestCase("", null)]
    public void Cookie_YieldsTheToken(string header, string? expected) =>
        Assert.That(CookieAuthentication.ReadToken(header, enabled: true), Is.EqualTo(expected));

    [Test]
    public void MalformedCookie_IsInvalid() =>
        Assert.That(
            Assert.Throws<Kuzzle.Realtime.Protocol.Errors.KuzzleException>(() => CookieAuthentication.ReadToken("garbage", enabled: true))!.Definition!.Id,
            Is.EqualTo("security.cookie.invalid"));

    [Test]
    public void CookieWhileDisabled_IsUnsupported() =>
        Assert.That(
            Assert.Throws<Kuzzle.Realtime.Protocol.Errors.KuzzleException>(() => CookieAuthentication.ReadToken("authToken=t", enabled: false))!.Definition!.Id,
            Is.EqualTo("security.cookie.unsupported"));

    [Test]
    public async Task CookieToken_IsVerifiedLikeABearerToken()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_now");
        request.Headers.Add("Cookie", "authToken=forged");
        using var response = await Http.SendAsync(request);
        var body = TestServer.Json(await response.Content.ReadAsStringAsync());
        Assert.That(body.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("security.token.invalid"));
    }

    [Test]
    public async Task CookieAndBearer_AreAVerificationError()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_now");
        request.Headers.Add("Cookie", "authToken=one");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer two");
        using var response = await Http.SendAsync(request);
        var body = TestServer.Json(await response.Content.ReadAsStringAsync());
        Assert.That(body.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("security.token.verification_error"));
        Assert.That((int)response.StatusCode, Is.EqualTo(500));
    }

    [Test]
    public async Task NullCookie_IsAnonymous()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_now");
        request.Headers.Add("Cookie", "authToken=null");
        using var response = await Http.SendAsync(request);
        Assert.That((int)response.StatusCode, Is.EqualTo(200));
    }

    [Test]
    public async Task WebSocketUpgradeCookie_AuthenticatesItsRequests()
    {
        await using var ws = await Server.ConnectAsync(o => o.SetRequestHeader("Cookie", "authToken=forged"));
        var r = await ws.RequestAsync("""{"controller":"server","action":"now","requestId":"c1"}""");
        Assert.That(r.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("security.token.invalid"));
    }

    [Test]
    public async Task CookieLogin_SetsTheCookieButNeverRepeatsItInTheBody()
    {
        await TestUsers.CreateAsync(Server, "cookie-kuid", "cookie-user", "cookie-password");
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = Server.HttpUri };
        using var login = await http.PostAsync(
            "/_login/local?cookieAuth", new StringContent("""{"username":"cookie-user","password":"cookie-password"}""", System.Text.Encoding.UTF8, "application/json"));
        var text = await login.Content.ReadAsStringAsync();
        var cookie = login.Headers.GetValues("Set-Cookie").Single();
        Assert.That(cookie, Does.StartWith("authToken=kauth-").And.Contain("HttpOnly").And.Not.Contain("Secure"), "plain HTTP: not Secure");
        var token = cookie.Split(';')[0]["authToken=".Length..];
        var body = TestServer.Json(text);
        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("status").GetInt32(), Is.EqualTo(200), text);
            Assert.That(text, Does.Not.Contain(token), "the HttpOnly cookie's value is not readable in the body");
            Assert.That(body.GetProperty("headers").EnumerateObject().Select(h => h.Name.ToLowerInvariant()), Has.None.EqualTo("set-cookie"));
        });

        using var logout = new HttpRequestMessage(HttpMethod.Post, "/_logout?cookieAuth");
        logout.Headers.Add("Cookie", "authToken=" + token);
        using var loggedOut = await http.SendAsync(logout);
        var logoutBody = TestServer.Json(await loggedOut.Content.ReadAsStringAsync());
        Assert.That(loggedOut.Headers.GetValues("Set-Cookie").Single(), Does.StartWith("authToken=null"));
        Assert.That(logoutBody.GetProperty("headers").EnumerateObject(), Is.Empty);
    }

    [Test]
    public async Task CookieSecure_MarksTheCookieSecure()
    {
        await using var server = await TestServer.StartAsync("--Kuzzle:Server:Http:CookieSecure=true");
        await TestUsers.CreateAsync(server, "secure-kuid", "secure-user", "secure-password");
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = server.HttpUri };
        using var login = await http.PostAsync(
            "/_login/local?cookieAuth", new StringContent("""{"username":"secure-user","password":"secure-password"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.That(login.Headers.GetValues("Set-Cookie").Single(), Does.EndWith("; Secure"));
        using var logout = await http.PostAsync("/_logout?cookieAuth", null);
        Assert.That(logout.Headers.GetValues("Set-Cookie").Single(), Does.EndWith("; Secure"));
    }

    [TestCase("*", true)]
    [TestCase("https://app.example.com", false)]
    public async Task CookieAuthenticationWithEveryOriginAllowed_IsWarnedAtStartup(string origins, bool warned)
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await TestServer.StartAsync(
            services => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs), $"--Kuzzle:Server:Http:AccessControlAllowOrigin={origins}");
        Assert.That(logs.Lines.Any(l => l.Contains("credentialed calls", StringComparison.Ordinal)), Is.EqualTo(warned));
    }

    [Test]
    public async Task MalformedCookieOnUpgrade_IsRefusedBeforeTheUpgrade()
    {
        var ex = await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(async () =>
            await Server.ConnectAsync(o => o.SetRequestHeader("Cookie", "garbage")));
        Assert.That(ex!.Message, Does.Contain("401"));
    }
}

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
    public async Task MalformedCookieOnUpgrade_IsRefusedBeforeTheUpgrade()
    {
        var ex = await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(async () =>
            await Server.ConnectAsync(o => o.SetRequestHeader("Cookie", "garbage")));
        Assert.That(ex!.Message, Does.Contain("401"));
    }
}

using System.Net;
using System.Text;
using System.Text.Json;
using Kuzzle.Realtime.Strategies.Ldap;
using Kuzzle.Realtime.Strategies.OAuth;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Auth;

/// <summary>
/// The OAuth/OpenID Connect and LDAP plugins against real providers (issue 6): slapd and oauth2-mock-server on loopback,
/// the server started with the plugins enabled purely by configuration (<c>Kuzzle:Auth:Strategies:&lt;name&gt;:Assembly/Options</c>).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ExternalStrategiesTests
{
    private Slapd _slapd = null!;
    private OidcProvider _oidc = null!;
    private TestServer _server = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _slapd = await Slapd.StartAsync();
        _oidc = await OidcProvider.StartAsync();
        var port = Slapd.FreePort();
        var issuer = _oidc.Issuer.AbsoluteUri.TrimEnd('/');
        var oauth = typeof(OAuthStrategyPlugin).Assembly.Location;
        var ldap = typeof(LdapStrategyPlugin).Assembly.Location;
        var deadPort = Slapd.FreePort();
        string[] Oidc(string name, string provider) =>
        [
            $"--Kuzzle:Auth:Strategies:{name}:Assembly={oauth}",
            $"--Kuzzle:Auth:Strategies:{name}:Options:credentials:{provider}",
            $"--Kuzzle:Auth:Strategies:{name}:Options:credentials:clientID=kuzzle-client",
            $"--Kuzzle:Auth:Strategies:{name}:Options:credentials:clientSecret=kuzzle-client-secret",
            $"--Kuzzle:Auth:Strategies:{name}:Options:credentials:callbackURL=http://127.0.0.1:{port}/_login/{name}",
            $"--Kuzzle:Auth:Strategies:{name}:Options:scope:0=email",
            $"--Kuzzle:Auth:Strategies:{name}:Options:persist:0=email",
            $"--Kuzzle:Auth:Strategies:{name}:Options:kuzzleAttributesMapping:email=userMail",
            $"--Kuzzle:Auth:Strategies:{name}:Options:timeout=2000",
        ];
        string[] Ldap(string name, string url, string caDirectory) =>
        [
            $"--Kuzzle:Auth:Strategies:{name}:Assembly={ldap}",
            $"--Kuzzle:Auth:Strategies:{name}:Options:url={url}",
            $"--Kuzzle:Auth:Strategies:{name}:Options:tlsCaDirectory={caDirectory}",
            $"--Kuzzle:Auth:Strategies:{name}:Options:bindDN={Slapd.AdminDn}",
            $"--Kuzzle:Auth:Strategies:{name}:Options:bindCredentials={Slapd.AdminPassword}",
            $"--Kuzzle:Auth:Strategies:{name}:Options:searchBase=ou=people,{Slapd.Suffix}",
            $"--Kuzzle:Auth:Strategies:{name}:Options:timeout=3000",
        ];
        _server = await TestServer.StartAsync(
        [
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Kuzzle:Security:LoginThrottle:MaxFailuresPerAddress=10000",
            "--Kuzzle:Security:LoginThrottle:MaxFailuresPerAccount=10000",
            "--Kuzzle:Limits:LoginsPerSecond=100", // the WebSocket test logs in twice on one connection (redirect, then callback)
            $"--Kuzzle:Auth:Strategies:ldap:Assembly={ldap}",
            $"--Kuzzle:Auth:Strategies:ldap:Options:url={_slapd.Url}",
            $"--Kuzzle:Auth:Strategies:ldap:Options:bindDN={Slapd.AdminDn}",
            $"--Kuzzle:Auth:Strategies:ldap:Options:bindCredentials={Slapd.AdminPassword}",
            $"--Kuzzle:Auth:Strategies:ldap:Options:searchBase=ou=people,{Slapd.Suffix}",
            "--Kuzzle:Auth:Strategies:ldap:Options:searchFilter=(uid={{username}})",
            $"--Kuzzle:Auth:Strategies:ldap:Options:groupSearchBase=ou=groups,{Slapd.Suffix}",
            "--Kuzzle:Auth:Strategies:ldap:Options:groupProfiles:admins:0=admin",
            "--Kuzzle:Auth:Strategies:ldap:Options:persist:0=mail",
            .. Ldap("ldaps", $"ldaps://127.0.0.1:{_slapd.TlsPort}", _slapd.TrustedCaDirectory),
            .. Ldap("ldapstarttls", _slapd.Url, _slapd.TrustedCaDirectory),
            "--Kuzzle:Auth:Strategies:ldapstarttls:Options:starttls=true",
            .. Ldap("ldapsuntrusted", $"ldaps://127.0.0.1:{_slapd.TlsPort}", _slapd.UntrustedCaDirectory),
            .. Ldap("ldapstarttlsuntrusted", _slapd.Url, _slapd.UntrustedCaDirectory),
            "--Kuzzle:Auth:Strategies:ldapstarttlsuntrusted:Options:starttls=true",
            .. Ldap("ldapsmismatch", $"ldaps://localhost:{_slapd.TlsPort}", _slapd.TrustedCaDirectory),
            $"--Kuzzle:Auth:Strategies:ldapdown:Assembly={ldap}",
            $"--Kuzzle:Auth:Strategies:ldapdown:Options:url=ldap://127.0.0.1:{deadPort}",
            $"--Kuzzle:Auth:Strategies:ldapdown:Options:searchBase={Slapd.Suffix}",
            "--Kuzzle:Auth:Strategies:ldapdown:Options:timeout=2000",
            .. Oidc("oidc", $"issuer={issuer}"),
            .. Oidc("oidcclosed", $"issuer={issuer}"),
            "--Kuzzle:Auth:Strategies:oidcclosed:Options:autoCreate=false",
            .. Oidc("oidcdown", $"issuer=http://127.0.0.1:{deadPort}"),
            .. Oidc("github", $"authorizationURL={issuer}/authorize"),
            $"--Kuzzle:Auth:Strategies:github:Options:credentials:tokenURL={issuer}/token",
            $"--Kuzzle:Auth:Strategies:github:Options:credentials:userInfoURL={issuer}/userinfo",
        ]);
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = _server.HttpUri, Timeout = TimeSpan.FromSeconds(20) };
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_oidc is not null)
        {
            await _oidc.DisposeAsync();
        }

        if (_slapd is not null)
        {
            await _slapd.DisposeAsync();
        }
    }

    [Test]
    public async Task The_plugins_are_enabled_by_configuration_alone()
    {
        var (_, body) = await Http(HttpMethod.Get, "/strategies");
        Assert.That(body.GetProperty("result").EnumerateArray().Select(s => s.GetString()),
            Is.EquivalentTo(new[] { "local", "ldap", "ldaps", "ldapstarttls", "ldapsuntrusted", "ldapstarttlsuntrusted", "ldapsmismatch", "ldapdown", "oidc", "oidcclosed", "oidcdown", "github" }));
    }

    [Test]
    public async Task GetConfig_shows_no_client_secret_or_bind_password()
    {
        var (status, body) = await Http(HttpMethod.Get, "/_getConfig");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        var text = body.ToString();
        Assert.That(text, Does.Not.Contain("kuzzle-client-secret").And.Not.Contain(Slapd.AdminPassword));
    }

    [Test]
    public async Task Ldap_login_creates_the_user_once_with_profiles_from_groups_and_refuses_bad_credentials()
    {
        var (status, first) = await LdapLogin("alice", "alice-secret");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), first.ToString());
        var kuid = first.GetProperty("result").GetProperty("_id").GetString()!;
        var (_, second) = await LdapLogin("alice", "alice-secret");
        Assert.That(second.GetProperty("result").GetProperty("_id").GetString(), Is.EqualTo(kuid), "the second login finds the linked user");

        var (_, user) = await Http(HttpMethod.Get, $"/users/{kuid}");
        Assert.That(user.GetProperty("result").GetProperty("_source").GetProperty("profileIds")[0].GetString(), Is.EqualTo("admin"), "cn=admins maps to admin");
        var (_, bob) = await LdapLogin("bob", "bob-secret");
        var (_, bobUser) = await Http(HttpMethod.Get, $"/users/{bob.GetProperty("result").GetProperty("_id").GetString()}");
        Assert.That(bobUser.GetProperty("result").GetProperty("_source").GetProperty("profileIds")[0].GetString(), Is.EqualTo("default"));

        var (wrongStatus, wrong) = await LdapLogin("alice", "not-her-password");
        var (unknownStatus, unknown) = await LdapLogin("mallory", "whatever");
        var (injectionStatus, _) = await LdapLogin("*", "alice-secret");
        var (emptyStatus, _) = await LdapLogin("alice", "");
        Assert.Multiple(() =>
        {
            Assert.That(wrongStatus, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(wrong.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("plugin.strategy.missing_user"));
            Assert.That(wrong.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo("wrong username or password"));
            Assert.That(unknownStatus, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(unknown.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo("wrong username or password"));
            Assert.That(injectionStatus, Is.EqualTo(HttpStatusCode.Unauthorized), "a filter wildcard in the username matches nobody");
            Assert.That(emptyStatus, Is.EqualTo(HttpStatusCode.Unauthorized), "no unauthenticated bind");
        });
    }

    [TestCase("ldaps")]
    [TestCase("ldapstarttls")]
    public async Task Ldap_login_over_tls_succeeds_when_the_plugin_trusts_the_directory_ca(string strategy)
    {
        var (status, body) = await LdapLogin("alice", "alice-secret", strategy);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        var (wrongStatus, _) = await LdapLogin("alice", "not-her-password", strategy);
        Assert.That(wrongStatus, Is.EqualTo(HttpStatusCode.Unauthorized), "the password is still checked over TLS");
    }

    [TestCase("ldapsuntrusted", "127.0.0.1")]
    [TestCase("ldapstarttlsuntrusted", "127.0.0.1")]
    [TestCase("ldapsmismatch", "localhost")]
    public async Task Ldap_over_tls_refuses_an_untrusted_or_misnamed_certificate_clearly_and_quickly(string strategy, string host)
    {
        var started = DateTime.UtcNow;
        var (status, body) = await LdapLogin("alice", "alice-secret", strategy);
        Assert.Multiple(() =>
        {
            Assert.That((int)status, Is.EqualTo(503), body.ToString());
            Assert.That(body.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo(
                $"The directory of strategy \"{strategy}\" failed the TLS handshake: its certificate is not issued by a trusted CA "
                + $"(see tlsCaDirectory) or does not name the host \"{host}\"."));
            Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(3)), "refused at the handshake, not after a timeout");
        });

        var (nowStatus, _) = await Http(HttpMethod.Get, "/_now");
        Assert.That(nowStatus, Is.EqualTo(HttpStatusCode.OK), "the server is still up");
    }

    [Test]
    public async Task An_unreachable_directory_or_provider_gives_a_clear_error_and_blocks_nothing()
    {
        var started = DateTime.UtcNow;
        var ldap = LdapLogin("alice", "alice-secret", "ldapdown");
        var oidc = Http(HttpMethod.Get, "/_login/oidcdown");
        var (nowStatus, _) = await Http(HttpMethod.Get, "/_now");
        Assert.That(nowStatus, Is.EqualTo(HttpStatusCode.OK), "other requests are served meanwhile");

        var (ldapStatus, ldapBody) = await ldap;
        var (oidcStatus, oidcBody) = await oidc;
        Assert.Multiple(() =>
        {
            Assert.That((int)ldapStatus, Is.EqualTo(503), ldapBody.ToString());
            Assert.That(ldapBody.GetProperty("error").GetProperty("message").GetString(), Does.Contain("directory of strategy \"ldapdown\" is unreachable"));
            Assert.That((int)oidcStatus, Is.EqualTo(503), oidcBody.ToString());
            Assert.That(oidcBody.GetProperty("error").GetProperty("message").GetString(), Does.Contain("\"oidcdown\""));
            Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(10)));
        });
    }

    [Test]
    public async Task Oidc_http_flow_redirects_calls_back_and_answers_a_token_once()
    {
        await _oidc.SetScenarioAsync("oidc-http-user", claims: new { email = "http@kuzzle.test" });
        using var start = await _http.GetAsync("/_login/oidc");
        Assert.That(start.StatusCode, Is.EqualTo(HttpStatusCode.Found));
        var authorize = start.Headers.Location!;
        var setCookie = start.Headers.GetValues("Set-Cookie").Single();
        Assert.That(setCookie, Does.Match("^kuzzleOAuthBinding-oidc=[A-Za-z0-9_-]{43}; Max-Age=600; Path=/_login; HttpOnly; SameSite=Lax$"));
        var cookie = setCookie.Split(';')[0];
        var startBody = await start.Content.ReadAsStringAsync();
        Assert.That(startBody, Does.Not.Contain(cookie.Split('=')[1]), "the HttpOnly binding cookie is not repeated in the body");
        var query = System.Web.HttpUtility.ParseQueryString(authorize.Query);
        Assert.Multiple(() =>
        {
            Assert.That(authorize.AbsoluteUri, Does.StartWith(_oidc.Issuer.AbsoluteUri.TrimEnd('/') + "/authorize"));
            Assert.That(query["code_challenge_method"], Is.EqualTo("S256"));
            Assert.That(query["state"], Has.Length.GreaterThanOrEqualTo(40));
            Assert.That(query["nonce"], Has.Length.GreaterThanOrEqualTo(40));
            Assert.That(query["scope"], Is.EqualTo("openid email"));
        });

        var callback = await FollowProviderAsync(authorize);
        var (status, login) = await Http(HttpMethod.Get, callback.PathAndQuery, cookie: cookie);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), login.ToString());
        var result = login.GetProperty("result");
        var kuid = result.GetProperty("_id").GetString()!;
        var jwt = result.GetProperty("jwt").GetString()!;

        using var me = new HttpRequestMessage(HttpMethod.Get, "/users/_me");
        me.Headers.Authorization = new("Bearer", jwt);
        using var meResponse = await _http.SendAsync(me);
        var meBody = TestServer.Json(await meResponse.Content.ReadAsStringAsync());
        Assert.That(meBody.GetProperty("result").GetProperty("_id").GetString(), Is.EqualTo(kuid));

        using var info = new HttpRequestMessage(HttpMethod.Get, "/credentials/oidc/_me");
        info.Headers.Authorization = new("Bearer", jwt);
        using var infoResponse = await _http.SendAsync(info);
        var credentials = TestServer.Json(await infoResponse.Content.ReadAsStringAsync()).GetProperty("result");
        Assert.That(credentials.GetProperty("identifier").GetString(), Is.EqualTo("oidc-http-user"));
        Assert.That(credentials.GetProperty("userMail").GetString(), Is.EqualTo("http@kuzzle.test"), "persist + kuzzleAttributesMapping");

        var (replayStatus, replay) = await Http(HttpMethod.Get, callback.PathAndQuery, cookie: cookie);
        Assert.That(replayStatus, Is.EqualTo(HttpStatusCode.Unauthorized), "a replayed callback (same code and state) is refused");
        Assert.That(replay.GetProperty("error").GetProperty("message").GetString(), Does.Contain("Invalid OAuth state"));

        // The next login of the same identity finds the same user; with cookieAuth the token comes as a cookie.
        var (secondCallback, secondCookie) = await StartBrowserLoginAsync("oidc");
        using var cookieRequest = new HttpRequestMessage(HttpMethod.Get, secondCallback.PathAndQuery + "&cookieAuth=true");
        cookieRequest.Headers.Add("Cookie", secondCookie);
        using var cookieLogin = await _http.SendAsync(cookieRequest);
        var cookieBody = TestServer.Json(await cookieLogin.Content.ReadAsStringAsync());
        Assert.That(cookieBody.GetProperty("result").GetProperty("_id").GetString(), Is.EqualTo(kuid));
        Assert.That(cookieLogin.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("authToken=", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task Oidc_websocket_login_returns_the_redirect_and_the_callback_can_complete_over_the_socket()
    {
        await _oidc.SetScenarioAsync("oidc-ws-user");
        await using var ws = await _server.ConnectAsync();
        var start = await ws.RequestAsync("""{"controller":"auth","action":"login","strategy":"oidc","requestId":"ws-start"}""");
        var result = start.GetProperty("result");
        Assert.That(result.GetProperty("statusCode").GetInt32(), Is.EqualTo(302), start.ToString());
        var location = new Uri(result.GetProperty("headers").GetProperty("Location").GetString()!);
        Assert.That(result.GetProperty("headers").TryGetProperty("Set-Cookie", out _), Is.False, "nothing to bind over the socket");

        var callback = await FollowProviderAsync(location);
        var query = System.Web.HttpUtility.ParseQueryString(callback.Query);
        var login = await ws.RequestAsync(JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["controller"] = "auth", ["action"] = "login", ["strategy"] = "oidc", ["requestId"] = "ws-callback",
            ["code"] = query["code"]!, ["state"] = query["state"]!,
        }));
        Assert.That(login.GetProperty("status").GetInt32(), Is.EqualTo(200), login.ToString());
        var jwt = login.GetProperty("result").GetProperty("jwt").GetString();
        var me = await ws.RequestAsync($$"""{"controller":"auth","action":"getCurrentUser","requestId":"ws-me","jwt":"{{jwt}}"}""");
        Assert.That(me.GetProperty("result").GetProperty("strategies").EnumerateArray().Select(s => s.GetString()), Does.Contain("oidc"));
    }

    [Test]
    public async Task A_user_cannot_claim_a_provider_identity_without_proof_but_an_admin_can_link_it()
    {
        await using var ws = await _server.ConnectAsync();
        await TestUsers.CreateAsync(_server, "claimer-kuid", "claimer", "claimer-password", "default");
        var jwt = await TestUsers.LoginAsync(ws, "claimer", "claimer-password");
        foreach (var action in new[] { "createMyCredentials", "updateMyCredentials" })
        {
            var claim = await ws.RequestAsync($$$"""{"controller":"auth","action":"{{{action}}}","strategy":"oidc","jwt":"{{{jwt}}}","requestId":"claim-{{{action}}}","body":{"sub":"victim-identity"}}""");
            Assert.That(claim.GetProperty("status").GetInt32(), Is.EqualTo(403), claim.ToString());
        }

        // The victim's first provider login does not land in the claimer's account.
        await _oidc.SetScenarioAsync("victim-identity");
        var (callback, cookie) = await StartBrowserLoginAsync("oidc");
        var (status, login) = await Http(HttpMethod.Get, callback.PathAndQuery, cookie: cookie);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), login.ToString());
        Assert.That(login.GetProperty("result").GetProperty("_id").GetString(), Is.Not.EqualTo("claimer-kuid"));

        var (adminStatus, linked) = await Http(HttpMethod.Post, "/credentials/oidc/claimer-kuid/_create", """{"sub":"admin-linked-identity"}""");
        Assert.That(adminStatus, Is.EqualTo(HttpStatusCode.OK), linked.ToString());
    }

    [Test]
    public async Task Oidc_login_started_over_websocket_cannot_set_a_cookie_in_a_browser()
    {
        await _oidc.SetScenarioAsync("oidc-csrf-attacker");
        await using var ws = await _server.ConnectAsync();
        var start = await ws.RequestAsync("""{"controller":"auth","action":"login","strategy":"oidc","requestId":"csrf-start"}""");
        var location = new Uri(start.GetProperty("result").GetProperty("headers").GetProperty("Location").GetString()!);
        var callback = await FollowProviderAsync(location);

        // The attacker sends the callback link, with cookieAuth, to a victim's browser.
        using var request = new HttpRequestMessage(HttpMethod.Get, callback.PathAndQuery + "&cookieAuth=true");
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), body);
        Assert.That(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], Has.None.StartsWith("authToken="));
        Assert.That(body, Does.Contain("cannot be completed with cookieAuth"));
    }

    [TestCase("wrong-issuer", "wrong issuer")]
    [TestCase("wrong-audience", "wrong audience")]
    [TestCase("expired", "expired")]
    [TestCase("unsigned", "signature")]
    [TestCase("wrong-nonce", "nonce mismatch")]
    public async Task Oidc_refuses_spoiled_id_tokens(string spoil, string reason)
    {
        await _oidc.SetScenarioAsync("victim-" + spoil, spoil);
        var (callback, cookie) = await StartBrowserLoginAsync("oidc");
        var (status, body) = await Http(HttpMethod.Get, callback.PathAndQuery, cookie: cookie);
        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized), body.ToString());
        Assert.That(body.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("plugin.strategy.missing_user"));
        Assert.That(body.GetProperty("error").GetProperty("message").GetString(), Does.Contain(reason));
    }

    [TestCase(null)]
    [TestCase("kuzzleOAuthBinding-oidc=not-the-value-it-set")]
    [TestCase("other")]
    public async Task Oidc_http_callback_without_the_browser_binding_cookie_is_refused_and_uses_up_the_state(string? cookie)
    {
        // Login CSRF: the attacker's own code and state, delivered to a browser that did not start the login.
        await _oidc.SetScenarioAsync("csrf-attacker");
        var (callback, attackerCookie) = await StartBrowserLoginAsync("oidc");
        if (cookie == "other")
        {
            (_, cookie) = await StartBrowserLoginAsync("oidc"); // a genuine cookie, of another login
        }

        var (status, body) = await Http(HttpMethod.Get, callback.PathAndQuery, cookie: cookie);
        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized), body.ToString());
        Assert.That(body.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("plugin.strategy.missing_user"));
        Assert.That(body.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo(
            "OAuth login refused: this callback does not come from the browser that started the login (missing or wrong binding cookie)."));

        var (retryStatus, retry) = await Http(HttpMethod.Get, callback.PathAndQuery, cookie: attackerCookie);
        Assert.That(retryStatus, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(retry.GetProperty("error").GetProperty("message").GetString(), Does.Contain("Invalid OAuth state"), "a refused callback cannot be retried");
    }

    [Test]
    public async Task Oidc_websocket_login_opened_in_a_browser_completes_over_http_without_a_cookie_once()
    {
        // The WebSocket variant: the app gets the URL on its socket and opens it in a browser, which the provider sends
        // back to the HTTP callback; no binding cookie could have been set, so none is asked for.
        await _oidc.SetScenarioAsync("oidc-ws-browser-user");
        await using var ws = await _server.ConnectAsync();
        var start = await ws.RequestAsync("""{"controller":"auth","action":"login","strategy":"oidc","requestId":"ws-browser"}""");
        var location = new Uri(start.GetProperty("result").GetProperty("headers").GetProperty("Location").GetString()!);
        var callback = await FollowProviderAsync(location);

        var (status, body) = await Http(HttpMethod.Get, callback.PathAndQuery);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        var (replayStatus, replay) = await Http(HttpMethod.Get, callback.PathAndQuery);
        Assert.That(replayStatus, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(replay.GetProperty("error").GetProperty("message").GetString(), Does.Contain("Invalid OAuth state"));
    }

    [Test]
    public async Task Oidc_refuses_forged_state_and_unknown_identities_when_auto_creation_is_off()
    {
        await _oidc.SetScenarioAsync("forger");
        using var start = await _http.GetAsync("/_login/oidc");
        var callback = await FollowProviderAsync(start.Headers.Location!);
        var code = System.Web.HttpUtility.ParseQueryString(callback.Query)["code"];
        var (forgedStatus, forged) = await Http(HttpMethod.Get, $"/_login/oidc?code={code}&state=forged-state");
        var (missingStatus, _) = await Http(HttpMethod.Get, $"/_login/oidc?code={code}");
        Assert.That(forgedStatus, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(forged.GetProperty("error").GetProperty("message").GetString(), Does.Contain("Invalid OAuth state"));
        Assert.That(missingStatus, Is.EqualTo(HttpStatusCode.Unauthorized));

        await _oidc.SetScenarioAsync("stranger");
        var (closedCallback, closedCookie) = await StartBrowserLoginAsync("oidcclosed");
        var (closedStatus, closedBody) = await Http(HttpMethod.Get, closedCallback.PathAndQuery, cookie: closedCookie);
        Assert.That(closedStatus, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(closedBody.GetProperty("error").GetProperty("message").GetString(), Does.Contain("not created automatically"));
    }

    [Test]
    public async Task Plain_oauth2_provider_identifies_users_through_userinfo()
    {
        await _oidc.SetScenarioAsync("plain-user", claims: new { email = "plain@kuzzle.test" });
        using var start = await _http.GetAsync("/_login/github");
        var authorize = start.Headers.Location!;
        Assert.That(System.Web.HttpUtility.ParseQueryString(authorize.Query)["nonce"], Is.Null, "no nonce without OpenID Connect");
        var callback = await FollowProviderAsync(authorize);
        var cookie = start.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        var (status, body) = await Http(HttpMethod.Get, callback.PathAndQuery, cookie: cookie);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToString());
    }

    [Test]
    public async Task One_user_logs_in_with_local_ldap_and_oidc_as_the_same_kuid_and_deletion_removes_all_three()
    {
        const string kuid = "guide-kuid";
        var create = """
            {"content":{"profileIds":["default"]},
             "credentials":{"local":{"username":"guide","password":"guide-password"},
                            "ldap":{"username":"bob","password":"bob-secret"},
                            "oidc":{"sub":"guide-sub"}}}
            """;
        // bob may already have been provisioned by another test: unlink him first so the guide user can take him.
        await UnlinkLdapAccountAsync("bob");
        var (createStatus, created) = await Http(HttpMethod.Post, $"/users/{kuid}/_create", create);
        Assert.That(createStatus, Is.EqualTo(HttpStatusCode.OK), created.ToString());

        var (localStatus, local) = await Http(HttpMethod.Post, "/_login/local", """{"username":"guide","password":"guide-password"}""");
        var (ldapStatus, ldap) = await LdapLogin("bob", "bob-secret");
        await _oidc.SetScenarioAsync("guide-sub");
        var (callback, cookie) = await StartBrowserLoginAsync("oidc");
        var (oidcStatus, oidc) = await Http(HttpMethod.Get, callback.PathAndQuery, cookie: cookie);
        Assert.Multiple(() =>
        {
            Assert.That(localStatus, Is.EqualTo(HttpStatusCode.OK), local.ToString());
            Assert.That(ldapStatus, Is.EqualTo(HttpStatusCode.OK), ldap.ToString());
            Assert.That(oidcStatus, Is.EqualTo(HttpStatusCode.OK), oidc.ToString());
            Assert.That(local.GetProperty("result").GetProperty("_id").GetString(), Is.EqualTo(kuid));
            Assert.That(ldap.GetProperty("result").GetProperty("_id").GetString(), Is.EqualTo(kuid));
            Assert.That(oidc.GetProperty("result").GetProperty("_id").GetString(), Is.EqualTo(kuid));
        });

        var (deleteStatus, deleted) = await Http(HttpMethod.Delete, $"/users/{kuid}");
        Assert.That(deleteStatus, Is.EqualTo(HttpStatusCode.OK), deleted.ToString());

        // The credentials are gone: local refuses, and ldap/oidc see unknown identities (a new user each, not the deleted kuid).
        var (localAfter, _) = await Http(HttpMethod.Post, "/_login/local", """{"username":"guide","password":"guide-password"}""");
        var (_, ldapAfter) = await LdapLogin("bob", "bob-secret");
        var (againCallback, againCookie) = await StartBrowserLoginAsync("oidc");
        var (_, oidcAfter) = await Http(HttpMethod.Get, againCallback.PathAndQuery, cookie: againCookie);
        Assert.Multiple(() =>
        {
            Assert.That(localAfter, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(ldapAfter.GetProperty("result").GetProperty("_id").GetString(), Is.Not.EqualTo(kuid), ldapAfter.ToString());
            Assert.That(oidcAfter.GetProperty("result").GetProperty("_id").GetString(), Is.Not.EqualTo(kuid), oidcAfter.ToString());
        });
    }

    private async Task UnlinkLdapAccountAsync(string username)
    {
        var (status, login) = await LdapLogin(username, username + "-secret");
        if (status == HttpStatusCode.OK)
        {
            await Http(HttpMethod.Delete, $"/users/{login.GetProperty("result").GetProperty("_id").GetString()}");
        }
    }

    private Task<(HttpStatusCode, JsonElement)> LdapLogin(string username, string password, string strategy = "ldap") =>
        Http(HttpMethod.Post, $"/_login/{strategy}", JsonSerializer.Serialize(new { username, password }));

    // The browser's part: the provider's authorize endpoint answers a redirect to our callback with code and state.
    private static async Task<Uri> FollowProviderAsync(Uri authorize)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await browser.GetAsync(authorize);
        Assert.That((int)response.StatusCode, Is.EqualTo(302), await response.Content.ReadAsStringAsync());
        return response.Headers.Location!;
    }

    // The browser starting a login over HTTP: it keeps the binding cookie and follows the provider back to the callback.
    private async Task<(Uri Callback, string Cookie)> StartBrowserLoginAsync(string strategy)
    {
        using var start = await _http.GetAsync($"/_login/{strategy}");
        Assert.That(start.StatusCode, Is.EqualTo(HttpStatusCode.Found));
        var cookie = start.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        return (await FollowProviderAsync(start.Headers.Location!), cookie);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> Http(HttpMethod method, string path, string? body = null, string? cookie = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : TestServer.Json(text));
    }
}

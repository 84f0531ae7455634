using System.Text.Json;
using Kuzzle.Realtime.Strategies.Ldap;
using Kuzzle.Realtime.Strategies.OAuth;

namespace Kuzzle.Realtime.Strategies.Tests;

/// <summary>Settings and input handling of the OAuth and LDAP plugins that need no provider (the real-provider tests are in Kuzzle.Realtime.Tests/Auth).</summary>
[TestFixture]
public sealed class ExternalStrategyOptionsTests
{
    private const string Credentials = "\"clientID\":\"c\",\"clientSecret\":\"s\",\"callbackURL\":\"https://kuzzle.example.com/_login/p\"";

    [Test]
    public void Oauth_needs_an_issuer_or_all_plain_endpoints()
    {
        Assert.Throws<StrategyConfigurationException>(() => OAuth(Config("")));
        Assert.DoesNotThrow(() => OAuth(Config("\"issuer\":\"https://sso.example.com\",")));
        Assert.DoesNotThrow(() => OAuth(Config("\"authorizationURL\":\"https://p/a\",\"tokenURL\":\"https://p/t\",\"userInfoURL\":\"https://p/u\",")));
    }

    [Test]
    public void Oauth_refuses_unsigned_tokens_and_plain_http_off_loopback()
    {
        var none = Assert.Throws<StrategyConfigurationException>(() => OAuth(Config("\"issuer\":\"https://sso.example.com\",", "\"idTokenAlgorithms\":[\"none\"],")));
        Assert.That(none!.Message, Does.Contain("idTokenAlgorithms"));
        Assert.Throws<StrategyConfigurationException>(() => OAuth(Config("\"issuer\":\"http://sso.example.com\",")));
        Assert.DoesNotThrow(() => OAuth(Config("\"issuer\":\"http://127.0.0.1:9000\",")));
    }

    [Test]
    public void Pkce_challenge_is_the_rfc_7636_s256_example()
    {
        // RFC 7636 appendix B.
        Assert.That(PendingAuthorizations.Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), Is.EqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    }

    [Test]
    public void Oauth_browser_binding_matches_only_its_own_cookie()
    {
        var value = BrowserBinding.NewValue();
        var hash = BrowserBinding.Hash(value);
        Dictionary<string, string> Cookie(string header) => new(StringComparer.OrdinalIgnoreCase) { ["Cookie"] = header };
        Assert.Multiple(() =>
        {
            Assert.That(BrowserBinding.Matches(Cookie($"a=b; kuzzleOAuthBinding-p={value}; c=d"), "p", hash), Is.True);
            Assert.That(BrowserBinding.Matches(Cookie($"kuzzleOAuthBinding-q={value}"), "p", hash), Is.False, "another strategy's cookie");
            Assert.That(BrowserBinding.Matches(Cookie("kuzzleOAuthBinding-p=" + BrowserBinding.NewValue()), "p", hash), Is.False);
            Assert.That(BrowserBinding.Matches(new Dictionary<string, string>(), "p", hash), Is.False);
            Assert.That(BrowserBinding.SetCookie("p", value, TimeSpan.FromMinutes(5), secure: true),
                Is.EqualTo($"kuzzleOAuthBinding-p={value}; Max-Age=300; Path=/_login; HttpOnly; SameSite=Lax; Secure"));
        });
    }

    [TestCase("alice", "alice")]
    [TestCase("*", "\\2a")]
    [TestCase("a)(uid=*", "a\\29\\28uid=\\2a")]
    [TestCase("back\\slash", "back\\5cslash")]
    public void Ldap_filter_values_are_escaped(string username, string escaped) =>
        Assert.That(DirectoryClient.EscapeFilterValue(username), Is.EqualTo(escaped));

    [Test]
    public void Ldap_needs_a_url_a_search_base_and_a_username_placeholder()
    {
        Assert.Throws<StrategyConfigurationException>(() => LdapOptions.Parse("ldap", Json("""{"searchBase":"dc=x"}""")));
        Assert.Throws<StrategyConfigurationException>(() => LdapOptions.Parse("ldap", Json("""{"url":"http://x","searchBase":"dc=x"}""")));
        Assert.Throws<StrategyConfigurationException>(() => LdapOptions.Parse("ldap", Json("""{"url":"ldap://x","searchBase":"dc=x","searchFilter":"(uid=bob)"}""")));
        var options = LdapOptions.Parse("ldap", Json("""{"server":{"url":"ldaps://x","searchBase":"dc=x"},"groupProfiles":{"admins":"admin"}}"""));
        Assert.That(options.GroupProfiles["ADMINS"], Is.EqualTo(new[] { "admin" }));
    }

    [Test]
    public void Ldap_tls_trust_needs_tls_and_an_existing_directory()
    {
        var existing = JsonSerializer.Serialize(Path.GetTempPath());
        var withoutTls = Assert.Throws<StrategyConfigurationException>(() => LdapOptions.Parse("ldap", Json($$"""{"url":"ldap://x","searchBase":"dc=x","tlsCaDirectory":{{existing}}}""")));
        Assert.That(withoutTls!.Message, Does.Contain("tlsCaDirectory"));
        Assert.Throws<StrategyConfigurationException>(() => LdapOptions.Parse("ldap", Json("""{"url":"ldaps://x","searchBase":"dc=x","tlsCaDirectory":"/no/such/directory"}""")));
        Assert.Throws<StrategyConfigurationException>(() => LdapOptions.Parse("ldap", Json("""{"url":"ldaps://x","searchBase":"dc=x","starttls":true}""")));
        var startTls = LdapOptions.Parse("ldap", Json($$"""{"url":"ldap://x","searchBase":"dc=x","starttls":true,"tlsCaDirectory":{{existing}}}"""));
        Assert.That(startTls.UsesTls && startTls.TlsCaDirectory == Path.GetFullPath(Path.GetTempPath()), Is.True);
    }

    private static OAuthOptions OAuth(string json) => OAuthOptions.Parse("p", Json(json));

    private static string Config(string provider, string top = "") => "{" + top + "\"credentials\":{" + provider + Credentials + "}}";

    private static JsonElement Json(string text)
    {
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }
}

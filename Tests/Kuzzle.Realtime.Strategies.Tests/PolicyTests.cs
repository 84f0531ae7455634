using System.Text;
using System.Text.Json;
using Kuzzle.Realtime.Strategies;
using Kuzzle.Realtime.Strategies.Local;
using static Kuzzle.Realtime.Strategies.Tests.TestSupport;

namespace Kuzzle.Realtime.Strategies.Tests;

/// <summary>Password policies (auth.md §5.6) and reset tokens.</summary>
public sealed class PolicyTests
{
    private const string Prefix = "plugin.kuzzle-plugin-auth-passport-local.";
    private InMemoryCredentialStore _store = null!;
    private ManualTimeProvider _time = null!;
    private FakeUserDirectory _users = null!;

    [SetUp]
    public void SetUp()
    {
        _store = new InMemoryCredentialStore();
        _time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        _users = new FakeUserDirectory();
    }

    [Test]
    public async Task Forbid_login_in_password()
    {
        using var strategy = await WithPolicies("""[{"appliesTo":"*","forbidLoginInPassword":true}]""");
        var onCreate = await ThrowsStrategyAsync(() => strategy.ValidateAsync(Security(), Credentials("JDoe", "my-jdoe-pw"), "kuid-1", false).AsTask());
        AssertCatalogued(onCreate, "login_in_password", 400, "Password cannot contain Username");

        await AddUserAsync(strategy, "kuid-1", "jdoe", "fine-password");
        // On update without a new username, the current one is checked.
        var onUpdate = await ThrowsStrategyAsync(() => strategy.ValidateAsync(Security(), Credentials(null, "xxJDOExx"), "kuid-1", true).AsTask());
        AssertCatalogued(onUpdate, "login_in_password", 400, "Password cannot contain Username");
        await strategy.ValidateAsync(Security(), Credentials(null, "another-fine-one"), "kuid-1", true);
    }

    [TestCase("/^[a-z0-9]{8,}$/i", "ABCdef123", "abc")]
    [TestCase("^(?=.*[0-9]).{6,}$", "abcde1", "abcdef")]
    [TestCase("/a\\/b/g", "xa/bx", "ab")]
    public async Task Password_regex(string regex, string strong, string weak)
    {
        using var strategy = await WithPolicies($$"""[{"appliesTo":"*","passwordRegex":{{JsonSerializer.Serialize(regex)}}}]""");
        await strategy.ValidateAsync(Security(), Credentials("jdoe", strong), "kuid-1", false);
        var e = await ThrowsStrategyAsync(() => strategy.ValidateAsync(Security(), Credentials("jdoe", weak), "kuid-1", false).AsTask());
        AssertCatalogued(e, "weak_password", 400, "Password is too weak");
    }

    [Test]
    public async Task Forbid_reused_password_count_looks_at_the_current_and_previous_passwords()
    {
        using var strategy = await WithPolicies("""[{"appliesTo":"*","forbidReusedPasswordCount":3}]""");
        await AddUserAsync(strategy, "kuid-1", "jdoe", "pw-1");
        await ChangePassword(strategy, "pw-2");
        await ChangePassword(strategy, "pw-3");

        foreach (var reused in new[] { "pw-1", "pw-2", "pw-3" })
        {
            var e = await ThrowsStrategyAsync(() => strategy.ValidateAsync(Security(), Credentials(null, reused), "kuid-1", true).AsTask());
            AssertCatalogued(e, "reused_password", 400, "Cannot reuse password");
        }

        await ChangePassword(strategy, "pw-4");
        // Now the last three are pw-4, pw-3, pw-2: pw-1 may come back.
        await strategy.ValidateAsync(Security(), Credentials(null, "pw-1"), "kuid-1", true);
        using var json = JsonDocument.Parse(_store.Raw(LocalStrategy.UsersCollection, "jdoe")!);
        var history = json.RootElement.GetProperty("passwordHistory");
        Assert.That(history.GetArrayLength(), Is.EqualTo(2));
        Assert.That(history.EnumerateArray().Select(h => h.GetProperty("hash").GetString()), Has.All.StartWith("$argon2id$"));
    }

    [Test]
    public async Task Without_a_reuse_policy_no_history_is_kept()
    {
        using var strategy = await WithPolicies("[]");
        await AddUserAsync(strategy, "kuid-1", "jdoe", "pw-1");
        await ChangePassword(strategy, "pw-2");
        Assert.That(_store.Raw(LocalStrategy.UsersCollection, "jdoe"), Does.Not.Contain("passwordHistory"));
        await strategy.ValidateAsync(Security(), Credentials(null, "pw-2"), "kuid-1", true);
    }

    [Test]
    public async Task Expired_password_at_login_carries_a_reset_token()
    {
        using var strategy = await WithPolicies("""[{"appliesTo":"*","expiresAfter":"1d"}]""");
        await AddUserAsync(strategy, "kuid-1", "jdoe", "secret", caller: "kuid-1");
        Assert.That((await strategy.VerifyAsync(Login("jdoe", "secret"))).Kuid, Is.EqualTo("kuid-1"));

        _time.Advance(TimeSpan.FromHours(25));
        var e = await ThrowsStrategyAsync(() => strategy.VerifyAsync(Login("jdoe", "secret")).AsTask());
        AssertCatalogued(e, "expired_password", 401, "Expired password");
        Assert.That(await strategy.VerifyResetPasswordTokenAsync(e.Details["resetToken"]), Is.EqualTo("kuid-1"));

        // A wrong password still just fails: the expiry is only revealed to someone who knows the password.
        Assert.That((await strategy.VerifyAsync(Login("jdoe", "nope"))).Message, Is.EqualTo("wrong username or password"));

        await ChangePassword(strategy, "secret-2", caller: "kuid-1");
        Assert.That((await strategy.VerifyAsync(Login("jdoe", "secret-2"))).Kuid, Is.EqualTo("kuid-1"));
    }

    [Test]
    public async Task Must_change_a_password_set_by_someone_else()
    {
        using var strategy = await WithPolicies("""[{"appliesTo":"*","mustChangePasswordIfSetByAdmin":true}]""");
        await AddUserAsync(strategy, "kuid-1", "jdoe", "secret", caller: "admin-kuid");
        var e = await ThrowsStrategyAsync(() => strategy.VerifyAsync(Login("jdoe", "secret")).AsTask());
        AssertCatalogued(e, "must_change_password", 401, "Password change required");
        Assert.That(e.Details, Contains.Key("resetToken"));

        await ChangePassword(strategy, "secret-2", caller: "kuid-1");
        Assert.That((await strategy.VerifyAsync(Login("jdoe", "secret-2"))).Kuid, Is.EqualTo("kuid-1"));
    }

    [Test]
    public async Task Admin_role_users_are_exempt_from_must_change_password()
    {
        _users.Users["boss"] = new StrategyUserSecurity(["admin"], ["admin"]);
        using var strategy = await WithPolicies("""[{"appliesTo":"*","mustChangePasswordIfSetByAdmin":true}]""");
        await AddUserAsync(strategy, "boss", "boss", "secret", caller: "someone-else");
        Assert.That((await strategy.VerifyAsync(Login("boss", "secret"))).Kuid, Is.EqualTo("boss"));
    }

    [Test]
    public async Task Policies_apply_by_user_profile_or_role()
    {
        _users.Users["p-user"] = new StrategyUserSecurity(["restricted"], ["default"]);
        _users.Users["r-user"] = new StrategyUserSecurity(["default"], ["auditor"]);
        _users.Users["free"] = new StrategyUserSecurity(["default"], ["default"]);
        using var strategy = await WithPolicies("""
            [{"appliesTo":{"users":["u-user"]},"passwordRegex":"^.{10,}$"},
             {"appliesTo":{"profiles":["restricted"]},"passwordRegex":"^.{10,}$"},
             {"appliesTo":{"roles":["auditor"]},"passwordRegex":"^.{10,}$"}]
            """);
        foreach (var kuid in new[] { "u-user", "p-user", "r-user" })
        {
            var e = await ThrowsStrategyAsync(() => strategy.ValidateAsync(Security(), Credentials(kuid, "short"), kuid, false).AsTask());
            AssertCatalogued(e, "weak_password", 400, "Password is too weak");
        }

        await strategy.ValidateAsync(Security(), Credentials("free", "short"), "free", false);
    }

    [Test]
    public async Task Reset_token_round_trip_and_password_reset()
    {
        using var strategy = await WithPolicies("[]");
        await AddUserAsync(strategy, "kuid-1", "jdoe", "forgotten");
        var token = await strategy.GetResetPasswordTokenAsync("kuid-1");

        var payload = Payload(token);
        Assert.Multiple(() =>
        {
            Assert.That(payload.GetProperty("resetForKuid").GetString(), Is.EqualTo("kuid-1"));
            Assert.That(payload.GetProperty("iss").GetString(), Is.EqualTo("kuzzle-plugin-auth-passport-local"));
            Assert.That(payload.GetProperty("exp").GetInt64() - payload.GetProperty("iat").GetInt64(), Is.EqualTo(3600));
            Assert.That(payload.GetProperty("iat").GetInt64(), Is.EqualTo(_time.GetUtcNow().ToUnixTimeSeconds()));
        });
        Assert.That(Encoding.UTF8.GetString(Base64Url(token.Split('.')[0])), Is.EqualTo("""{"alg":"HS256","typ":"JWT"}"""));

        var reset = await strategy.ResetPasswordAsync(Json($$"""{"password":"remembered","token":"{{token}}"}"""));
        Assert.That(reset, Is.EqualTo(new LocalPasswordReset("kuid-1", "jdoe")));
        Assert.That((await strategy.VerifyAsync(Login("jdoe", "remembered"))).Kuid, Is.EqualTo("kuid-1"));
        Assert.That((await strategy.VerifyAsync(Login("jdoe", "forgotten"))).Succeeded, Is.False);
    }

    [Test]
    public async Task Reset_token_signature_matches_an_independent_hmac_sha256_with_the_stored_secret()
    {
        using var strategy = await WithPolicies("[]");
        await AddUserAsync(strategy, "kuid-1", "jdoe", "pw");
        var token = await strategy.GetResetPasswordTokenAsync("kuid-1");
        using var stored = JsonDocument.Parse(_store.Raw(LocalStrategy.ConfigCollection, LocalStrategy.ResetSecretId)!);
        var secret = stored.RootElement.GetProperty("secret").GetString()!;
        Assert.That(secret, Does.Match("^[0-9a-f]{1024}$"));
        var parts = token.Split('.');
        var expected = System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        Assert.That(Base64Url(parts[2]), Is.EqualTo(expected));
    }

    [Test]
    public async Task The_reset_secret_is_generated_once_and_shared_through_the_store()
    {
        using var first = await WithPolicies("[]");
        await AddUserAsync(first, "kuid-1", "jdoe", "pw");
        var token = await first.GetResetPasswordTokenAsync("kuid-1");
        using var second = await WithPolicies("[]");
        Assert.That(await second.VerifyResetPasswordTokenAsync(token), Is.EqualTo("kuid-1"));
        Assert.That(_store.Count(LocalStrategy.ConfigCollection), Is.EqualTo(1));

        using var elsewhere = await CreateAsync(new InMemoryCredentialStore(), time: _time);
        var e = await ThrowsStrategyAsync(() => elsewhere.VerifyResetPasswordTokenAsync(token).AsTask());
        AssertCatalogued(e, "invalid_token", 400, "Invalid token");
    }

    [Test]
    public async Task An_expired_reset_token()
    {
        using var strategy = await WithPolicies("[]", """ "resetPasswordExpiresIn":"10m", """);
        await AddUserAsync(strategy, "kuid-1", "jdoe", "pw");
        var token = await strategy.GetResetPasswordTokenAsync("kuid-1");
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.That(await strategy.VerifyResetPasswordTokenAsync(token), Is.EqualTo("kuid-1"));
        _time.Advance(TimeSpan.FromMinutes(1));
        var e = await ThrowsStrategyAsync(() => strategy.VerifyResetPasswordTokenAsync(token).AsTask());
        AssertCatalogued(e, "expired_token", 401, "Expired token");
        var viaReset = await ThrowsStrategyAsync(() => strategy.ResetPasswordAsync(Json($$"""{"password":"x","token":"{{token}}"}""")).AsTask());
        AssertCatalogued(viaReset, "expired_token", 401, "Expired token");
    }

    [Test]
    public async Task A_reset_token_is_single_use_and_void_after_any_password_change()
    {
        using var strategy = await WithPolicies("[]");
        await AddUserAsync(strategy, "kuid-1", "jdoe", "forgotten");
        var token = await strategy.GetResetPasswordTokenAsync("kuid-1");
        var other = await strategy.GetResetPasswordTokenAsync("kuid-1");
        await strategy.ResetPasswordAsync(Json($$"""{"password":"remembered","token":"{{token}}"}"""));

        var reused = await ThrowsStrategyAsync(() => strategy.ResetPasswordAsync(Json($$"""{"password":"stolen","token":"{{token}}"}""")).AsTask());
        AssertCatalogued(reused, "invalid_token", 400, "Invalid token");
        var sibling = await ThrowsStrategyAsync(() => strategy.ResetPasswordAsync(Json($$"""{"password":"stolen","token":"{{other}}"}""")).AsTask());
        AssertCatalogued(sibling, "invalid_token", 400, "Invalid token");
        Assert.That((await strategy.VerifyAsync(Login("jdoe", "remembered"))).Kuid, Is.EqualTo("kuid-1"));

        // Any other change of the password voids the tokens issued before it.
        var beforeChange = await strategy.GetResetPasswordTokenAsync("kuid-1");
        await strategy.UpdateAsync(Security(), Credentials(null, "changed-by-admin"), "kuid-1");
        var e = await ThrowsStrategyAsync(() => strategy.VerifyResetPasswordTokenAsync(beforeChange).AsTask());
        AssertCatalogued(e, "invalid_token", 400, "Invalid token");
        Assert.That(Payload(beforeChange).GetProperty("pwd").GetString(), Has.Length.EqualTo(22), "a stamp, not the hash");
    }

    [Test]
    public async Task Tampered_reset_tokens_are_invalid()
    {
        using var strategy = await WithPolicies("[]");
        await AddUserAsync(strategy, "kuid-1", "jdoe", "pw");
        await AddUserAsync(strategy, "kuid-2", "mary", "pw");
        var token = await strategy.GetResetPasswordTokenAsync("kuid-1");
        var parts = token.Split('.');
        var otherPayload = Base64UrlEncode(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Base64Url(parts[1])).Replace("kuid-1", "kuid-2", StringComparison.Ordinal)));
        var noneHeader = Base64UrlEncode("""{"alg":"none","typ":"JWT"}"""u8.ToArray());
        var hs512Header = Base64UrlEncode("""{"alg":"HS512","typ":"JWT"}"""u8.ToArray());
        var flipped = parts[2][..^2] + (parts[2][^2] == 'A' ? 'B' : 'A') + parts[2][^1];
        foreach (var bad in new[]
        {
            $"{parts[0]}.{otherPayload}.{parts[2]}",
            $"{noneHeader}.{parts[1]}.",
            $"{noneHeader}.{parts[1]}.{parts[2]}",
            $"{hs512Header}.{parts[1]}.{parts[2]}",
            $"{parts[0]}.{parts[1]}.{flipped}",
            $"{parts[0]}.{parts[1]}",
            "not-a-token",
            "",
        })
        {
            var e = await ThrowsStrategyAsync(() => strategy.VerifyResetPasswordTokenAsync(bad).AsTask());
            AssertCatalogued(e, "invalid_token", 400, "Invalid token");
        }
    }

    [Test]
    public async Task Reset_request_errors()
    {
        using var strategy = await WithPolicies("[]");
        await AddUserAsync(strategy, "kuid-1", "jdoe", "pw");
        async Task Expect(string body, string message)
        {
            var e = await ThrowsStrategyAsync(() => strategy.ResetPasswordAsync(body.Length == 0 ? default : Json(body)).AsTask());
            Assert.That((e.Status, e.Message, e.ErrorId), Is.EqualTo((400, message, (string?)null)));
        }

        await Expect("", "Missing request body");
        await Expect("""{"token":"t"}""", "Missing \"password\" attribute");
        await Expect("""{"password":"   ","token":"t"}""", "Invalid password supplied. Must be a non-empty string");
        await Expect("""{"password":12,"token":"t"}""", "Invalid password supplied. Must be a non-empty string");
        await Expect("""{"password":"x"}""", "Missing \"token\" attribute");
        await Expect("""{"password":"x","token":12}""", "Invalid token supplied");

        AssertAdHocError(await ThrowsStrategyAsync(() => strategy.GetResetPasswordTokenAsync(null).AsTask()), 400, "Missing kuid");
        AssertAdHocError(await ThrowsStrategyAsync(() => strategy.GetResetPasswordTokenAsync("ghost").AsTask()), 400, "Invalid kuid given");
    }

    [Test]
    public async Task A_reset_password_must_still_satisfy_the_policies()
    {
        using var strategy = await WithPolicies("""[{"appliesTo":"*","passwordRegex":"^.{8,}$"}]""");
        await AddUserAsync(strategy, "kuid-1", "jdoe", "long-enough");
        var token = await strategy.GetResetPasswordTokenAsync("kuid-1");
        var e = await ThrowsStrategyAsync(() => strategy.ResetPasswordAsync(Json($$"""{"password":"short","token":"{{token}}"}""")).AsTask());
        AssertCatalogued(e, "weak_password", 400, "Password is too weak");
    }

    private async Task<LocalStrategy> WithPolicies(string policies, string extra = "")
    {
        var options = LocalStrategyOptions.Parse(Json($$"""{ {{extra}} "passwordPolicies": {{policies}} }"""));
        return await CreateAsync(_store, options, _time, _users);
    }

    private static async Task ChangePassword(LocalStrategy strategy, string password, string caller = "admin")
    {
        var credentials = Credentials(null, password);
        await strategy.ValidateAsync(Security(caller), credentials, "kuid-1", true);
        await strategy.UpdateAsync(Security(caller), credentials, "kuid-1");
    }

    private static JsonElement Payload(string token) => JsonDocument.Parse(Base64Url(token.Split('.')[1])).RootElement.Clone();

    private static byte[] Base64Url(string text)
    {
        var standard = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(standard + new string('=', (4 - (standard.Length % 4)) % 4));
    }

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static void AssertCatalogued(StrategyException e, string name, int status, string message)
    {
        Assert.Multiple(() =>
        {
            Assert.That(e.ErrorId, Is.EqualTo(Prefix + name));
            Assert.That(e.Status, Is.EqualTo(status));
            Assert.That(e.Message, Is.EqualTo(message));
        });
    }

    private static void AssertAdHocError(StrategyException e, int status, string message) =>
        Assert.That((e.Status, e.Message, e.ErrorId), Is.EqualTo((status, message, (string?)null)));
}

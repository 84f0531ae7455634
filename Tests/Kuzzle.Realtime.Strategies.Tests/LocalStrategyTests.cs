using System.Text.Json;
using Kuzzle.Realtime.Strategies;
using Kuzzle.Realtime.Strategies.Local;
using Kuzzle.Realtime.Strategies.Local.Hashing;
using static Kuzzle.Realtime.Strategies.Tests.TestSupport;

namespace Kuzzle.Realtime.Strategies.Tests;

/// <summary>Login and the credential rules of auth.md §5.4, message by message.</summary>
public sealed class LocalStrategyTests
{
    private InMemoryCredentialStore _store = null!;
    private LocalStrategy _strategy = null!;

    [SetUp]
    public async Task SetUp()
    {
        _store = new InMemoryCredentialStore();
        _strategy = await CreateAsync(_store);
    }

    [TearDown]
    public void TearDown() => _strategy.Dispose();

    [Test]
    public void Name_fields_and_features()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_strategy.Name, Is.EqualTo("local"));
            Assert.That(_strategy.Fields, Is.EqualTo(new[] { "username", "password" }));
            Assert.That(_strategy.Features, Is.EqualTo(StrategyFeatures.GetInfo | StrategyFeatures.GetById));
        });
    }

    [Test]
    public async Task Optional_methods_called_through_the_interface_reach_the_local_implementation()
    {
        await AddUserAsync(_strategy, "kuid-1", "jdoe", "secret");
        IAuthenticationStrategy strategy = _strategy;
        Assert.That((await strategy.GetInfoAsync(Security(), "kuid-1")).ToJsonString(), Is.EqualTo("""{"username":"jdoe","kuid":"kuid-1"}"""));
        Assert.That((await strategy.GetByIdAsync(Security(), "jdoe")).ToJsonString(), Is.EqualTo("""{"username":"jdoe","kuid":"kuid-1"}"""));
        await Assert.ThrowsAsync<NotSupportedException>(async () => await strategy.SearchAsync(default, 0, 10));
    }

    [Test]
    public async Task Create_then_login()
    {
        var credentials = Credentials("jdoe", "secret");
        await _strategy.ValidateAsync(Security(), credentials, "kuid-1", isUpdate: false);
        var created = await _strategy.CreateAsync(Security(), credentials, "kuid-1");
        Assert.That(created.ToJsonString(), Is.EqualTo("""{"username":"jdoe","kuid":"kuid-1"}"""));

        var result = await _strategy.VerifyAsync(Login("jdoe", "secret"));
        Assert.That(result.Succeeded, Is.True);
        Assert.That(result.Kuid, Is.EqualTo("kuid-1"));
        Assert.That(await _strategy.ExistsAsync(Security(), "kuid-1"), Is.True);
        Assert.That(await _strategy.ExistsAsync(Security(), "kuid-2"), Is.False);
    }

    [Test]
    public async Task The_stored_document_holds_an_argon2id_hash_and_no_clear_password()
    {
        await AddUserAsync(_strategy, "kuid-1", "jdoe", "very-secret-password");
        var raw = _store.Raw(LocalStrategy.UsersCollection, "jdoe")!;
        using var json = JsonDocument.Parse(raw);
        Assert.Multiple(() =>
        {
            Assert.That(raw, Does.Not.Contain("very-secret-password"));
            Assert.That(json.RootElement.GetProperty("hash").GetString(), Does.StartWith("$argon2id$v=19$m=64,t=1,p=1$"));
            Assert.That(json.RootElement.GetProperty("kuid").GetString(), Is.EqualTo("kuid-1"));
            Assert.That(json.RootElement.GetProperty("updater").GetString(), Is.EqualTo("admin"));
        });
    }

    [Test]
    public async Task Wrong_password_and_unknown_user_give_the_same_answer_and_both_cost_a_hash()
    {
        var counting = new CountingHasher(new Argon2idSodiumHasher(Cheap));
        using var strategy = await CreateAsync(_store, hasher: counting);
        await AddUserAsync(strategy, "kuid-1", "jdoe", "secret");

        var before = counting.Verifies;
        var wrong = await strategy.VerifyAsync(Login("jdoe", "nope"));
        var afterWrong = counting.Verifies;
        var unknown = await strategy.VerifyAsync(Login("nobody", "nope"));
        var afterUnknown = counting.Verifies;

        Assert.Multiple(() =>
        {
            Assert.That(wrong.Succeeded, Is.False);
            Assert.That(unknown.Succeeded, Is.False);
            Assert.That(wrong.Message, Is.EqualTo("wrong username or password"));
            Assert.That(unknown.Message, Is.EqualTo(wrong.Message));
            Assert.That(afterWrong - before, Is.EqualTo(1));
            Assert.That(afterUnknown - afterWrong, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Missing_username_or_password_at_login()
    {
        await AddUserAsync(_strategy, "kuid-1", "jdoe", "secret");
        Assert.Multiple(async () =>
        {
            Assert.That((await _strategy.VerifyAsync(StrategyLoginRequest.FromBody(Json("""{"username":"jdoe"}""")))).Message, Is.EqualTo("Missing credentials"));
            Assert.That((await _strategy.VerifyAsync(StrategyLoginRequest.FromBody(Json("""{"password":"secret"}""")))).Message, Is.EqualTo("Missing credentials"));
            Assert.That((await _strategy.VerifyAsync(StrategyLoginRequest.FromBody(default))).Message, Is.EqualTo("Missing credentials"));
            Assert.That((await _strategy.VerifyAsync(StrategyLoginRequest.FromBody(Json("""{"username":"jdoe","password":42}""")))).Message, Is.EqualTo("Missing credentials"));
        });
    }

    [Test]
    public async Task Login_fields_fall_back_to_the_request_arguments()
    {
        await AddUserAsync(_strategy, "kuid-1", "jdoe", "secret");
        var request = new StrategyLoginRequest(
            Json("""{"username":"jdoe"}"""),
            new Dictionary<string, JsonElement> { ["password"] = Json("\"secret\"") },
            new Dictionary<string, string>(),
            null);
        Assert.That((await _strategy.VerifyAsync(request)).Kuid, Is.EqualTo("kuid-1"));
    }

    [Test]
    public async Task Validate_rejects_a_kuid_in_credentials()
    {
        var e = await ThrowsStrategyAsync(() => _strategy.ValidateAsync(Security(), Json("""{"username":"a","password":"b","kuid":"x"}"""), "k", false).AsTask());
        AssertAdHoc(e, 400, "kuid cannot be specified in credentials.");
    }

    [Test]
    public async Task Validate_rejects_a_username_owned_by_another_user()
    {
        await AddUserAsync(_strategy, "kuid-1", "jdoe", "secret");
        var onCreate = await ThrowsStrategyAsync(() => _strategy.ValidateAsync(Security(), Credentials("jdoe", "x"), "kuid-2", false).AsTask());
        AssertAdHoc(onCreate, 412, "Login \"jdoe\" is already used.");
        var onUpdate = await ThrowsStrategyAsync(() => _strategy.ValidateAsync(Security(), Credentials("jdoe", null), "kuid-2", true).AsTask());
        AssertAdHoc(onUpdate, 412, "Login \"jdoe\" is already used.");
        // Its own username is fine.
        await _strategy.ValidateAsync(Security(), Credentials("jdoe", "other"), "kuid-1", true);
    }

    [Test]
    public async Task Create_validation_requires_username_then_password()
    {
        AssertAdHoc(await ThrowsStrategyAsync(() => _strategy.ValidateAsync(Security(), Credentials(null, "x"), "k", false).AsTask()), 400, "Username required.");
        AssertAdHoc(await ThrowsStrategyAsync(() => _strategy.ValidateAsync(Security(), Credentials("u", null), "k", false).AsTask()), 400, "Password required.");
        AssertAdHoc(await ThrowsStrategyAsync(() => _strategy.ValidateAsync(Security(), Credentials("", ""), "k", false).AsTask()), 400, "Username required.");
    }

    [Test]
    public async Task Update_validation_requires_username_or_password()
    {
        await AddUserAsync(_strategy, "kuid-1", "jdoe", "secret");
        AssertAdHoc(await ThrowsStrategyAsync(() => _strategy.ValidateAsync(Security(), Json("{}"), "kuid-1", true).AsTask()), 400, "Missing username or password.");
        await _strategy.ValidateAsync(Security(), Credentials(null, "new"), "kuid-1", true);
    }

    [Test]
    public async Task Create_without_password()
    {
        AssertAdHoc(await ThrowsStrategyAsync(() => _strategy.CreateAsync(Security(), Credentials("u", null), "k").AsTask()), 400, "Password needed.");
    }

    [Test]
    public async Task Create_twice_for_one_user()
    {
        await AddUserAsync(_strategy, "kuid-1", "jdoe", "secret");
        var e = await ThrowsStrategyAsync(() => _strategy.CreateAsync(Security(), Credentials("jdoe2", "x"), "kuid-1").AsTask());
        AssertAdHoc(e, 412, "A strategy already exists for user \"kuid-1\".");
    }

    [Test]
    public async Task Create_with_a_username_taken_in_a_race_reports_it_as_used()
    {
        await AddUserAsync(_strategy, "kuid-1", "jdoe", "secret");
        var e = await ThrowsStrategyAsync(() => _strategy.CreateAsync(Security(), Credentials("jdoe", "x"), "kuid-2").AsTask());
        AssertAdHoc(e, 412, "Login \"jdoe\" is already used.");
    }

    [Test]
    public async Task Update_delete_and_get_info_without_credentials()
    {
        const string message = "No credentials found for user \"ghost\".";
        AssertAdHoc(await ThrowsStrategyAsync(() => _strategy.UpdateAsync(Security(), Credentials(null, "x"), "ghost").AsTask()), 412, message);
        AssertAdHoc(await ThrowsStrategyAsync(() => _strategy.DeleteAsync(Security(), "ghost").AsTask()), 412, message);
        AssertAdHoc(await ThrowsStrategyAsync(() => _strategy.GetInfoAsync(Security(), "ghost").AsTask()), 412, message);
    }

    [Test]
    public async Task Update_with_a_kuid()
    {
        await AddUserAsync(_strategy, "kuid-1", "jdoe", "secret");
        var e = await ThrowsStrategyAsync(() => _strategy.UpdateAsync(Security(), Json("""{"kuid":"kuid-2"}"""), "kuid-1").AsTask());
        AssertAdHoc(e, 400, "The request must not contain a kuid attribute.");
    }

    [Test]
    public async Task Get_by_id_of_an_unknown_username()
    {
        var e = await ThrowsStrategyAsync(() => _strategy.GetByIdAsync(Security(), "nobody").AsTask());
        AssertAdHoc(e, 412, "No credentials found for username \"nobody\".");
    }

    [Test]
    public async Task Get_info_and_get_by_id_output_only_username_and_kuid()
    {
        await AddUserAsync(_strategy, "kuid-1", "jdoe", "secret");
        Assert.That((await _strategy.GetInfoAsync(Security(), "kuid-1")).ToJsonString(), Is.EqualTo("""{"username":"jdoe","kuid":"kuid-1"}"""));
        Assert.That((await _strategy.GetByIdAsync(Security(), "jdoe")).ToJsonString(), Is.EqualTo("""{"username":"jdoe","kuid":"kuid-1"}"""));
    }

    [Test]
    public async Task Update_password_and_username()
    {
        await AddUserAsync(_strategy, "kuid-1", "jdoe", "secret");
        var updated = await _strategy.UpdateAsync(Security(), Credentials(null, "secret2"), "kuid-1");
        Assert.That(updated.ToJsonString(), Is.EqualTo("""{"username":"jdoe","kuid":"kuid-1"}"""));
        Assert.That((await _strategy.VerifyAsync(Login("jdoe", "secret"))).Succeeded, Is.False);
        Assert.That((await _strategy.VerifyAsync(Login("jdoe", "secret2"))).Succeeded, Is.True);

        var renamed = await _strategy.UpdateAsync(Security(), Credentials("john", null), "kuid-1");
        Assert.That(renamed.ToJsonString(), Is.EqualTo("""{"username":"john","kuid":"kuid-1"}"""));
        Assert.That(_store.Raw(LocalStrategy.UsersCollection, "jdoe"), Is.Null);
        Assert.That((await _strategy.VerifyAsync(Login("john", "secret2"))).Kuid, Is.EqualTo("kuid-1"));
        Assert.That((await _strategy.VerifyAsync(Login("jdoe", "secret2"))).Succeeded, Is.False);
    }

    [Test]
    public async Task Renaming_to_a_taken_username_fails_and_keeps_the_old_one()
    {
        await AddUserAsync(_strategy, "kuid-1", "jdoe", "secret");
        await AddUserAsync(_strategy, "kuid-2", "mary", "secret");
        var e = await ThrowsStrategyAsync(() => _strategy.UpdateAsync(Security(), Credentials("mary", null), "kuid-1").AsTask());
        AssertAdHoc(e, 412, "Login \"mary\" is already used.");
        Assert.That((await _strategy.VerifyAsync(Login("jdoe", "secret"))).Kuid, Is.EqualTo("kuid-1"));
    }

    [Test]
    public async Task Delete_removes_the_credentials()
    {
        await AddUserAsync(_strategy, "kuid-1", "jdoe", "secret");
        await _strategy.DeleteAsync(Security(), "kuid-1");
        Assert.That(await _strategy.ExistsAsync(Security(), "kuid-1"), Is.False);
        Assert.That((await _strategy.VerifyAsync(Login("jdoe", "secret"))).Succeeded, Is.False);
    }

    [Test]
    public async Task Require_password_through_the_auth_controller()
    {
        using var strategy = await CreateAsync(_store, LocalStrategyOptions.Default with { RequirePassword = true });
        await AddUserAsync(strategy, "kuid-1", "jdoe", "secret");

        AssertAdHoc(await ThrowsStrategyAsync(() => strategy.UpdateAsync(Auth("kuid-1"), Credentials(null, "new"), "kuid-1").AsTask()), 400, "Cannot update credentials: password required.");
        AssertAdHoc(await ThrowsStrategyAsync(() => strategy.DeleteAsync(Auth("kuid-1"), "kuid-1").AsTask()), 400, "Cannot update credentials: password required.");
        AssertAdHoc(await ThrowsStrategyAsync(() => strategy.UpdateAsync(Auth("kuid-1", "wrong"), Credentials(null, "new"), "kuid-1").AsTask()), 403, "Invalid user or password.");
        AssertAdHoc(await ThrowsStrategyAsync(() => strategy.DeleteAsync(Auth("kuid-1", "wrong"), "kuid-1").AsTask()), 403, "Invalid user or password.");
        // A user without credentials gets the same 403, not the 412 that would reveal it.
        AssertAdHoc(await ThrowsStrategyAsync(() => strategy.UpdateAsync(Auth("ghost", "x"), Credentials(null, "new"), "ghost").AsTask()), 403, "Invalid user or password.");

        await strategy.UpdateAsync(Auth("kuid-1", "secret"), Credentials(null, "new"), "kuid-1");
        Assert.That((await strategy.VerifyAsync(Login("jdoe", "new"))).Succeeded, Is.True);

        // The deprecated "password" argument is still read.
        var withArgument = new StrategyCallContext("auth", "kuid-1", default, new Dictionary<string, JsonElement> { ["password"] = Json("\"new\"") });
        await strategy.UpdateAsync(withArgument, Credentials(null, "newer"), "kuid-1");

        // Other controllers (security:updateCredentials by an admin) need no current password.
        await strategy.UpdateAsync(Security(), Credentials(null, "newest"), "kuid-1");
        await strategy.DeleteAsync(Security(), "kuid-1");
        Assert.That(await strategy.ExistsAsync(Security(), "kuid-1"), Is.False);
    }

    [Test]
    public async Task Without_require_password_the_auth_controller_needs_no_current_password()
    {
        await AddUserAsync(_strategy, "kuid-1", "jdoe", "secret");
        await _strategy.UpdateAsync(Auth("kuid-1"), Credentials(null, "new"), "kuid-1");
        Assert.That((await _strategy.VerifyAsync(Login("jdoe", "new"))).Succeeded, Is.True);
    }

    [Test]
    public async Task A_login_rehashes_a_password_whose_parameters_changed()
    {
        await AddUserAsync(_strategy, "kuid-1", "jdoe", "secret");
        var stronger = new Argon2idSodiumHasher(new Argon2idParameters(128, 2, 1));
        using var upgraded = await CreateAsync(_store, hasher: stronger);
        Assert.That(Hash("jdoe"), Does.Contain("m=64,t=1,p=1"));

        Assert.That((await upgraded.VerifyAsync(Login("jdoe", "wrong"))).Succeeded, Is.False);
        Assert.That(Hash("jdoe"), Does.Contain("m=64,t=1,p=1"), "a failed login changes nothing");

        Assert.That((await upgraded.VerifyAsync(Login("jdoe", "secret"))).Succeeded, Is.True);
        Assert.That(Hash("jdoe"), Does.Contain("m=128,t=2,p=1"));
        Assert.That((await upgraded.VerifyAsync(Login("jdoe", "secret"))).Succeeded, Is.True);
    }

    [Test]
    public async Task An_imported_kuzzle_document_logs_in_once_and_is_rehashed_to_argon2id()
    {
        var salt = string.Concat(Enumerable.Repeat("a1b2c3d4", 32));
        var legacy = LegacyKuzzleHash.Compute("imported-pw", salt, "sha512", true, "hmac", "hex")!;
        var document = JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["kuid"] = "kuid-9",
            ["userPassword"] = legacy,
            ["userSalt"] = salt,
            ["algorithm"] = "sha512",
            ["stretching"] = true,
            ["pepper"] = false,
            ["encryption"] = "hmac",
            ["updater"] = "kuid-9",
            ["_kuzzle_info"] = new Dictionary<string, object> { ["createdAt"] = 1700000000000, ["updatedAt"] = 1700000001000 },
        });
        await _store.PutAsync(LocalStrategy.UsersCollection, "legacy-user", document, StrategyDocument.Absent);

        Assert.That((await _strategy.VerifyAsync(Login("legacy-user", "wrong"))).Succeeded, Is.False);
        Assert.That(_store.Raw(LocalStrategy.UsersCollection, "legacy-user"), Does.Contain("userPassword"));

        Assert.That((await _strategy.VerifyAsync(Login("legacy-user", "imported-pw"))).Kuid, Is.EqualTo("kuid-9"));
        var raw = _store.Raw(LocalStrategy.UsersCollection, "legacy-user")!;
        Assert.Multiple(() =>
        {
            Assert.That(raw, Does.Not.Contain("userPassword"));
            Assert.That(raw, Does.Not.Contain("userSalt"));
            Assert.That(Hash("legacy-user"), Does.StartWith("$argon2id$"));
            Assert.That(raw, Does.Contain("1700000001000"), "the password date survives the migration");
        });
        Assert.That((await _strategy.VerifyAsync(Login("legacy-user", "imported-pw"))).Kuid, Is.EqualTo("kuid-9"));
    }

    [Test]
    public async Task An_administrator_imports_a_kuzzle_hash_and_the_user_logs_in_with_the_old_password()
    {
        var salt = string.Concat(Enumerable.Repeat("0f1e2d3c", 32));
        var legacy = LegacyKuzzleHash.Compute("kept-pw", salt, "sha512", true, "hmac", "hex")!;
        var credentials = Json($$"""{"username":"olduser","userPassword":"{{legacy}}","userSalt":"{{salt}}","algorithm":"sha512","stretching":true,"encryption":"hmac"}""");

        await _strategy.ValidateAsync(Security(), credentials, "kuid-old", isUpdate: false);
        var created = await _strategy.CreateAsync(Security(), credentials, "kuid-old");
        Assert.That(created.ToJsonString(), Is.EqualTo("""{"username":"olduser","kuid":"kuid-old"}"""));
        Assert.That(_store.Raw(LocalStrategy.UsersCollection, "olduser"), Does.Contain("userPassword"));

        Assert.That((await _strategy.VerifyAsync(Login("olduser", "wrong"))).Succeeded, Is.False);
        Assert.That((await _strategy.VerifyAsync(Login("olduser", "kept-pw"))).Kuid, Is.EqualTo("kuid-old"));
        Assert.That(Hash("olduser"), Does.StartWith("$argon2id$"), "re-hashed at the first login");
        Assert.That((await _strategy.VerifyAsync(Login("olduser", "kept-pw"))).Kuid, Is.EqualTo("kuid-old"));
    }

    [Test]
    public async Task A_hash_is_imported_only_through_the_security_controller_and_only_when_well_formed()
    {
        var own = await ThrowsStrategyAsync(() => _strategy.ValidateAsync(Auth("kuid-1"), Json("""{"username":"me","userPassword":"abc"}"""), "kuid-1", false).AsTask());
        AssertAdHoc(own, 400, "A password hash can only be imported through the security controller.");

        var algorithm = await ThrowsStrategyAsync(() => _strategy.ValidateAsync(Security(), Json("""{"username":"u","userPassword":"abc","algorithm":"md5"}"""), "kuid-2", false).AsTask());
        Assert.That(algorithm.Status, Is.EqualTo(400));
        Assert.That(algorithm.Message, Does.Contain("\"algorithm\""));

        var empty = await ThrowsStrategyAsync(() => _strategy.CreateAsync(Security(), Json("""{"username":"u","userPassword":""}"""), "kuid-2").AsTask());
        Assert.That(empty.Message, Does.Contain("userPassword"));

        var stretching = await ThrowsStrategyAsync(() => _strategy.CreateAsync(Security(), Json("""{"username":"u","userPassword":"abc","stretching":"yes"}"""), "kuid-2").AsTask());
        Assert.That(stretching.Message, Does.Contain("stretching"));
        Assert.That(_store.Raw(LocalStrategy.UsersCollection, "u"), Is.Null, "nothing stored after a refusal");
    }

    [Test]
    public async Task No_method_output_or_error_contains_the_password_or_hash()
    {
        const string password = "P4ssw0rd-Unique-Marker";
        await AddUserAsync(_strategy, "kuid-1", "jdoe", password);
        var hash = Hash("jdoe");
        var outputs = new List<string>
        {
            (await _strategy.GetInfoAsync(Security(), "kuid-1")).ToJsonString(),
            (await _strategy.GetByIdAsync(Security(), "jdoe")).ToJsonString(),
            (await _strategy.UpdateAsync(Security(), Credentials(null, password + "2"), "kuid-1")).ToJsonString(),
            (await ThrowsStrategyAsync(() => _strategy.CreateAsync(Security(), Credentials("jdoe", password), "kuid-1").AsTask())).Message,
            (await _strategy.VerifyAsync(Login("jdoe", password))).Message ?? "",
        };
        Assert.That(outputs, Has.None.Contains(password).And.None.Contains(hash).And.None.Contains("argon2"));
    }

    [TestCase(1)]
    [TestCase(2)]
    public async Task Parallel_logins_never_run_more_hashes_than_the_gate_allows(int slots)
    {
        var options = LocalStrategyOptions.Default with { HashingConcurrency = slots };
        using var strategy = await CreateAsync(_store, options, hasher: new Argon2idSodiumHasher(new Argon2idParameters(1024, 1, 1)));
        await AddUserAsync(strategy, "kuid-1", "jdoe", "secret");
        var logins = Enumerable.Range(0, 24)
            .Select(i => Task.Run(async () => await strategy.VerifyAsync(Login(i % 3 == 0 ? "nobody" : "jdoe", i % 2 == 0 ? "secret" : "wrong"))))
            .ToArray();
        var results = await Task.WhenAll(logins);
        Assert.Multiple(() =>
        {
            Assert.That(strategy.Gate.MaxConcurrency, Is.EqualTo(slots));
            Assert.That(strategy.Gate.PeakInFlight, Is.InRange(1, slots));
            Assert.That(strategy.Gate.InFlight, Is.Zero);
            Assert.That(results.Count(r => r.Succeeded), Is.EqualTo(Enumerable.Range(0, 24).Count(i => i % 3 != 0 && i % 2 == 0)));
        });
    }

    private string Hash(string username)
    {
        using var json = JsonDocument.Parse(_store.Raw(LocalStrategy.UsersCollection, username)!);
        return json.RootElement.GetProperty("hash").GetString()!;
    }

    private static void AssertAdHoc(StrategyException e, int status, string message)
    {
        Assert.Multiple(() =>
        {
            Assert.That(e.Status, Is.EqualTo(status));
            Assert.That(e.Message, Is.EqualTo(message));
            Assert.That(e.ErrorId, Is.Null, "the plugin's ad-hoc errors carry no id");
        });
    }
}

using System.Reflection;
using Kuzzle.Realtime.Strategies;
using Kuzzle.Realtime.Strategies.Local;
using Kuzzle.Realtime.Strategies.Local.Hashing;
using static Kuzzle.Realtime.Strategies.Tests.TestSupport;

namespace Kuzzle.Realtime.Strategies.Tests;

public sealed class OptionsAndPluginTests
{
    [Test]
    public void Defaults()
    {
        var options = LocalStrategyOptions.Parse(default);
        Assert.Multiple(() =>
        {
            Assert.That(options.Argon2, Is.EqualTo(new Argon2idParameters(19456, 2, 1, 32, 16)));
            Assert.That(options.Hasher, Is.EqualTo("auto"));
            Assert.That(options.HashingConcurrency, Is.Null);
            Assert.That(options.RequirePassword, Is.False);
            Assert.That(options.ResetPasswordExpiresIn, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(options.LegacyAlgorithm, Is.EqualTo("sha512"));
            Assert.That(options.LegacyDigest, Is.EqualTo("hex"));
            Assert.That(options.PasswordPolicies, Is.Empty);
        });
    }

    [Test]
    public void Kuzzle_keys_and_ours_are_read()
    {
        var options = LocalStrategyOptions.Parse(Json("""
            {"algorithm":"sha256","stretching":true,"digest":"base64","encryption":"hmac","requirePassword":true,
             "resetPasswordExpiresIn":"30m","argon2":{"memoryKiB":65536,"iterations":3,"parallelism":1},
             "hasher":"managed","hashingConcurrency":4,
             "passwordPolicies":[{"appliesTo":"*","expiresAfter":"90d","forbidReusedPasswordCount":5}]}
            """));
        Assert.Multiple(() =>
        {
            Assert.That(options.LegacyAlgorithm, Is.EqualTo("sha256"));
            Assert.That(options.LegacyDigest, Is.EqualTo("base64"));
            Assert.That(options.RequirePassword, Is.True);
            Assert.That(options.ResetPasswordExpiresIn, Is.EqualTo(TimeSpan.FromMinutes(30)));
            Assert.That(options.Argon2, Is.EqualTo(new Argon2idParameters(65536, 3, 1)));
            Assert.That(options.Hasher, Is.EqualTo("managed"));
            Assert.That(options.HashingConcurrency, Is.EqualTo(4));
            Assert.That(options.PasswordPolicies[0].ExpiresAfter, Is.EqualTo(TimeSpan.FromDays(90)));
            Assert.That(options.PasswordPolicies[0].ForbidReusedPasswordCount, Is.EqualTo(5));
        });
    }

    [TestCase("""{"resetPasswordExpiresIn":0}""", 3600000.0)]
    [TestCase("""{"resetPasswordExpiresIn":""}""", 3600000.0)]
    [TestCase("""{"resetPasswordExpiresIn":60000}""", 60000.0)]
    [TestCase("""{"resetPasswordExpiresIn":"1.5h"}""", 5400000.0)]
    [TestCase("""{"resetPasswordExpiresIn":"2 days"}""", 172800000.0)]
    public void Reset_token_lifetime(string json, double milliseconds) =>
        Assert.That(LocalStrategyOptions.Parse(Json(json)).ResetPasswordExpiresIn.TotalMilliseconds, Is.EqualTo(milliseconds));

    [Test]
    public void Reset_tokens_that_never_expire_are_refused() =>
        Assert.That(
            Assert.Throws<StrategyConfigurationException>(() => LocalStrategyOptions.Parse(Json("""{"resetPasswordExpiresIn":-1}""")))!.Message,
            Does.Contain("must expire"));

    [TestCase("""{"algorithm":"md5"}""", "'algorithm' attribute must be a valid algorithm")]
    [TestCase("""{"encryption":"argon2"}""", "either 'hash' or 'hmac'")]
    [TestCase("""{"digest":"ucs2"}""", "'digest'")]
    [TestCase("""{"requirePassword":"yes"}""", "must be set with a boolean")]
    [TestCase("""{"resetPasswordExpiresIn":"soon"}""", "'resetPasswordExpiresIn' attribute must be a valid positive time")]
    [TestCase("""{"resetPasswordExpiresIn":-5}""", "'resetPasswordExpiresIn' attribute must be a valid positive time")]
    [TestCase("""{"passwordPolicies":{}}""", "'passwordPolicies' attribute must be an array")]
    [TestCase("""{"passwordPolicies":[{"appliesTo":"everyone"}]}""", "must either be equal to '*' or be an object")]
    [TestCase("""{"passwordPolicies":[{"appliesTo":{}}]}""", "Empty 'appliesTo'")]
    [TestCase("""{"passwordPolicies":[{"appliesTo":{"users":"bob"}}]}""", "'users' attribute of passwordPolicies must be an array")]
    [TestCase("""{"passwordPolicies":[{"appliesTo":"*","expiresAfter":"later"}]}""", "'expiresAfter' attribute must be a valid positive time")]
    [TestCase("""{"passwordPolicies":[{"appliesTo":"*","passwordRegex":"(unclosed"}]}""", "Invalid 'passwordRegex'")]
    [TestCase("""{"argon2":{"memoryKiB":4096,"iterations":2}}""", "below the OWASP minimum")]
    [TestCase("""{"argon2":{"memoryKiB":"big"}}""", "'argon2.memoryKiB' attribute must be an integer")]
    [TestCase("""{"argon2":{"parallelism":0}}""", "Parallelism out of range")]
    [TestCase("""{"hasher":"bcrypt"}""", "'hasher' attribute")]
    [TestCase("""{"hashingConcurrency":0}""", "'hashingConcurrency' attribute")]
    [TestCase("""{"hashingConcurrency":"2"}""", "'hashingConcurrency' attribute")]
    [TestCase("""[]""", "must be an object")]
    public void Invalid_settings_are_refused_at_startup(string json, string message)
    {
        var e = Assert.Throws<StrategyConfigurationException>(() => LocalStrategyOptions.Parse(Json(json)))!;
        Assert.That(e.Message, Does.Contain(message));
    }

    [Test]
    public void Sha224_legacy_configuration_is_accepted() =>
        Assert.That(LocalStrategyOptions.Parse(Json("""{"algorithm":"sha224WithRSAEncryption"}""")).LegacyAlgorithm, Is.EqualTo("sha224WithRSAEncryption"));

    [Test]
    public async Task The_assembly_names_its_plugin_and_the_plugin_builds_the_strategy_from_configuration()
    {
        var attribute = typeof(LocalStrategy).Assembly.GetCustomAttributes<StrategyPluginAttribute>().Single();
        Assert.That(attribute.PluginType, Is.EqualTo(typeof(LocalStrategyPlugin)));
        var plugin = StrategyPlugin.FromAssembly(typeof(LocalStrategy).Assembly).Single();
        Assert.That(plugin, Is.InstanceOf<LocalStrategyPlugin>());
        Assert.That(plugin.DefaultName, Is.EqualTo("local"));
        Assert.That(StrategyPlugin.FromAssembly(typeof(OptionsAndPluginTests).Assembly), Is.Empty);

        var logs = new List<(StrategyLogLevel Level, string Message)>();
        var store = new InMemoryCredentialStore();
        var context = new StrategyContext("local", Json("""{"hashingConcurrency":1,"requirePassword":false}"""), store, TimeProvider.System)
        {
            Log = (level, message) => logs.Add((level, message)),
        };
        var strategy = await plugin.CreateAsync(context);
        try
        {
            Assert.That(strategy, Is.InstanceOf<LocalStrategy>());
            var local = (LocalStrategy)strategy;
            Assert.That(local.Gate.MaxConcurrency, Is.EqualTo(1));
            Assert.That(local.Hasher.Parameters, Is.EqualTo(Argon2idParameters.Default));
            Assert.That(local.Hasher, Is.InstanceOf<Argon2idSodiumHasher>());
            Assert.That(logs, Has.Some.Matches<(StrategyLogLevel Level, string Message)>(l => l.Message.Contains("argon2id via sodium", StringComparison.Ordinal)));

            await strategy.CreateAsync(Security(), Credentials("jdoe", "secret"), "kuid-1");
            Assert.That((await strategy.VerifyAsync(Login("jdoe", "secret"))).Kuid, Is.EqualTo("kuid-1"));
        }
        finally
        {
            ((IDisposable)strategy).Dispose();
        }
    }

    [Test]
    public async Task A_strategy_without_optional_methods_reports_them_unsupported()
    {
        IAuthenticationStrategy minimal = new MinimalStrategy();
        Assert.That(minimal.Features, Is.EqualTo(StrategyFeatures.None));
        await Assert.ThrowsAsync<NotSupportedException>(async () => await minimal.GetInfoAsync(StrategyCallContext.Internal, "k"));
        await Assert.ThrowsAsync<NotSupportedException>(async () => await minimal.SearchAsync(default, 0, 10));
        await Assert.ThrowsAsync<NotSupportedException>(async () => await minimal.RefreshTokenAsync(StrategyLoginRequest.FromBody(default)));
    }

    [Test]
    public void Verify_results()
    {
        var redirect = StrategyVerifyResult.Redirection(new StrategyRedirect(302, new Dictionary<string, string> { ["Location"] = "https://idp.example/" }));
        Assert.Multiple(() =>
        {
            Assert.That(StrategyVerifyResult.Success("k").Succeeded, Is.True);
            Assert.That(StrategyVerifyResult.Failure(null).Succeeded, Is.False);
            Assert.That(StrategyVerifyResult.Failure(null).Message, Is.Null);
            Assert.That(redirect.Succeeded, Is.False);
            Assert.That(redirect.Redirect!.StatusCode, Is.EqualTo(302));
        });
        Assert.Throws<ArgumentNullException>(() => StrategyVerifyResult.Success(null!));
    }

    private sealed class MinimalStrategy : IAuthenticationStrategy
    {
        public string Name => "minimal";

        public IReadOnlyList<string> Fields => [];

        public StrategyFeatures Features => StrategyFeatures.None;

        public ValueTask<StrategyVerifyResult> VerifyAsync(StrategyLoginRequest request, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(StrategyVerifyResult.Failure(null));

        public ValueTask<bool> ExistsAsync(StrategyCallContext context, string kuid, CancellationToken cancellationToken = default) => ValueTask.FromResult(false);

        public ValueTask<System.Text.Json.Nodes.JsonObject> CreateAsync(StrategyCallContext context, System.Text.Json.JsonElement credentials, string kuid, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new System.Text.Json.Nodes.JsonObject());

        public ValueTask<System.Text.Json.Nodes.JsonObject> UpdateAsync(StrategyCallContext context, System.Text.Json.JsonElement credentials, string kuid, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new System.Text.Json.Nodes.JsonObject());

        public ValueTask DeleteAsync(StrategyCallContext context, string kuid, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask ValidateAsync(StrategyCallContext context, System.Text.Json.JsonElement credentials, string kuid, bool isUpdate, CancellationToken cancellationToken = default) =>
            ValueTask.CompletedTask;
    }
}

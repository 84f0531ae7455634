namespace Kuzzle.Realtime.Security.Tests;

/// <summary>security.md §2: first-boot (everything allowed) vs restricted built-ins.</summary>
public sealed class BuiltInSecurityTests
{
    private static CompiledRights[] Compile(IReadOnlyList<Role> roles, IReadOnlyList<Profile> profiles, string profileId)
    {
        var byId = roles.ToDictionary(r => r.Id);
        return [CompiledRights.Compile(profiles.Single(p => p.Id == profileId), byId)];
    }

    private static bool Bootstrap(string kuid, string profileId, string controller, string action) =>
        RightsEvaluator.IsAllowed(
            kuid,
            Compile(BuiltInSecurity.BootstrapRoles, BuiltInSecurity.BootstrapProfiles, profileId),
            new RightsRequest(controller, action, "i", "c"));

    private static bool Restricted(string kuid, string profileId, string controller, string action) =>
        RightsEvaluator.IsAllowed(
            kuid,
            Compile(BuiltInSecurity.RestrictedRoles, BuiltInSecurity.RestrictedProfiles, profileId),
            new RightsRequest(controller, action, "i", "c"));

    [TestCase("-1", "anonymous", "security", "createFirstAdmin")]
    [TestCase("-1", "anonymous", "document", "create")]
    [TestCase("-1", "anonymous", "security", "restrictDefaultRights")]
    [TestCase("u", "default", "security", "createRole")]
    [TestCase("u", "default", "realtime", "subscribe")]
    [TestCase("a", "admin", "admin", "resetSecurity")]
    public void First_boot_allows_everything(string kuid, string profileId, string controller, string action) =>
        Assert.That(Bootstrap(kuid, profileId, controller, action), Is.True);

    [TestCase("-1", "anonymous", "auth", "login", true)]
    [TestCase("-1", "anonymous", "auth", "checkToken", true)]
    [TestCase("-1", "anonymous", "auth", "getCurrentUser", true)]
    [TestCase("-1", "anonymous", "auth", "getMyRights", true)]
    [TestCase("-1", "anonymous", "server", "publicApi", true)]
    [TestCase("-1", "anonymous", "server", "openapi", true)]
    [TestCase("-1", "anonymous", "auth", "logout", false)]
    [TestCase("-1", "anonymous", "auth", "updateSelf", false)]
    [TestCase("-1", "anonymous", "server", "now", false)]
    [TestCase("-1", "anonymous", "security", "createFirstAdmin", false)]
    [TestCase("-1", "anonymous", "realtime", "subscribe", false)]
    [TestCase("u", "default", "auth", "checkToken", true)]
    [TestCase("u", "default", "auth", "getCurrentUser", true)]
    [TestCase("u", "default", "auth", "getMyRights", true)]
    [TestCase("u", "default", "auth", "logout", true)]
    [TestCase("u", "default", "auth", "updateSelf", true)]
    [TestCase("u", "default", "server", "publicApi", true)]
    [TestCase("u", "default", "server", "openapi", false)]
    [TestCase("u", "default", "auth", "login", false)]
    [TestCase("u", "default", "realtime", "publish", false)]
    [TestCase("u", "default", "security", "getUser", false)]
    [TestCase("a", "admin", "security", "createRole", true)]
    [TestCase("a", "admin", "realtime", "subscribe", true)]
    [TestCase("a", "admin", "server", "now", true)]
    public void Restricted_rights(string kuid, string profileId, string controller, string action, bool expected) =>
        Assert.That(Restricted(kuid, profileId, controller, action), Is.EqualTo(expected));

    [Test]
    public void Rate_limits()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(BuiltInSecurity.BootstrapProfiles.Select(p => p.RateLimit), Is.EqualTo(new long[] { 0, 0, 0 }));
            Assert.That(BuiltInSecurity.RestrictedProfiles.Select(p => p.RateLimit), Is.EqualTo(new long[] { 0, 10, 200 }));
            Assert.That(BuiltInSecurity.RestrictedProfiles.Select(p => p.Id), Is.EqualTo(new[] { "admin", "default", "anonymous" }));
        }
    }

    [Test]
    public void Built_in_documents_pass_validation_against_the_native_api()
    {
        foreach (var (id, json) in BuiltInSecurity.BootstrapRoleDocuments.Concat(BuiltInSecurity.RestrictedRoleDocuments))
        {
            Assert.DoesNotThrow(() => Role.Parse(id, TestJson.Parse(json), KuzzleNativeApi.Controllers), id);
        }

        var roleIds = BuiltInSecurity.BootstrapRoles.Select(r => r.Id).ToHashSet();
        foreach (var (id, json) in BuiltInSecurity.BootstrapProfileDocuments.Concat(BuiltInSecurity.RestrictedProfileDocuments))
        {
            Assert.DoesNotThrow(() => Profile.Parse(id, TestJson.Parse(json), roleIds.Contains), id);
        }
    }

    [Test]
    public void Protected_ids() =>
        Assert.That(BuiltInSecurity.ProtectedIds, Is.EquivalentTo(new[] { "admin", "default", "anonymous" }));

    [Test]
    public void Restricted_anonymous_role_keeps_login() =>
        Assert.That(BuiltInSecurity.RestrictedRoles.Single(r => r.Id == "anonymous").CanLogIn(), Is.True);
}

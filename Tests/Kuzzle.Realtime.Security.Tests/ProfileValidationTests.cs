namespace Kuzzle.Realtime.Security.Tests;

/// <summary>security.md §1.2: one case per rule, with Kuzzle's error id and placeholders.</summary>
public sealed class ProfileValidationTests
{
    private static readonly HashSet<string> ExistingRoles = ["default", "anonymous", "admin", "reader"];

    private static Profile Parse(string id, string content) =>
        Profile.Parse(id, TestJson.Parse(content), ExistingRoles.Contains);

    [TestCase("""{"policies":{}}""", SecurityErrorIds.InvalidType, "p.policies", "object[]")]
    [TestCase("""{"policies":"reader"}""", SecurityErrorIds.InvalidType, "p.policies", "object[]")]
    [TestCase("""{"policies":[{"roleId":"ghost"}]}""", SecurityErrorIds.RoleNotFound, "ghost")]
    [TestCase("""{"policies":[{"roleId":"reader"},{"roleId":"ghost","oops":1}]}""", SecurityErrorIds.RoleNotFound, "ghost")]
    [TestCase("""{"policies":[{"roleId":"ghost"}],"rateLimit":-1}""", SecurityErrorIds.RoleNotFound, "ghost")]
    [TestCase("""{"rateLimit":"10"}""", SecurityErrorIds.InvalidType, "rateLimit", "integer")]
    [TestCase("""{"rateLimit":1.5}""", SecurityErrorIds.InvalidType, "rateLimit", "integer")]
    [TestCase("""{"rateLimit":true}""", SecurityErrorIds.InvalidType, "rateLimit", "integer")]
    [TestCase("""{"rateLimit":-1}""", SecurityErrorIds.InvalidArgument, "rateLimit", "positive integer, or zero")]
    [TestCase("""{"rateLimit":-1,"policies":[{"oops":1}]}""", SecurityErrorIds.InvalidArgument, "rateLimit", "positive integer, or zero")]
    [TestCase("""{"policies":["reader"]}""", SecurityErrorIds.InvalidType, "p.policies[0]", "object")]
    [TestCase("""{"policies":[{}]}""", SecurityErrorIds.MissingArgument, "p.policies[0].roleId")]
    [TestCase("""{"policies":[{"roleId":null}]}""", SecurityErrorIds.MissingArgument, "p.policies[0].roleId")]
    [TestCase("""{"policies":[{"roleId":""}]}""", SecurityErrorIds.MissingArgument, "p.policies[0].roleId")]
    [TestCase("""{"policies":[{"roleId":"reader"},{"roleId":3}]}""", SecurityErrorIds.InvalidType, "p.policies[1].roleId", "string")]
    [TestCase("""{"policies":[{"roleId":"reader","rateLimit":1}]}""", SecurityErrorIds.UnexpectedArgument, "p.policies[0].rateLimit", "\"roleId\", \"restrictedTo\"")]
    [TestCase("""{"policies":[{"roleId":"reader","restrictedTo":{"index":"i"}}]}""", SecurityErrorIds.InvalidType, "p.policies[0].restrictedTo", "object[]")]
    [TestCase("""{"policies":[{"roleId":"reader","restrictedTo":["i"]}]}""", SecurityErrorIds.InvalidType, "p.policies[0].restrictedTo[0]", "object")]
    [TestCase("""{"policies":[{"roleId":"reader","restrictedTo":[{"index":"i"},{"collections":["c"]}]}]}""", SecurityErrorIds.MissingArgument, "p.policies[0].restrictedTo[1].index")]
    [TestCase("""{"policies":[{"roleId":"reader","restrictedTo":[{"index":null}]}]}""", SecurityErrorIds.MissingArgument, "p.policies[0].restrictedTo[0].index")]
    [TestCase("""{"policies":[{"roleId":"reader","restrictedTo":[{"index":7}]}]}""", SecurityErrorIds.InvalidType, "p.policies[0].restrictedTo[0].index", "string")]
    [TestCase("""{"policies":[{"roleId":"reader","restrictedTo":[{"index":"i","collections":"c"}]}]}""", SecurityErrorIds.InvalidType, "p.policies[0].restrictedTo[0].collections", "string[]")]
    [TestCase("""{"policies":[{"roleId":"reader","restrictedTo":[{"index":"i","collections":["c",1]}]}]}""", SecurityErrorIds.InvalidType, "p.policies[0].restrictedTo[0].collections", "string[]")]
    [TestCase("""{"policies":[{"roleId":"reader","restrictedTo":[{"index":"i","collection":["c"]}]}]}""", SecurityErrorIds.UnexpectedArgument, "p.policies[0].restrictedTo[0].collection", "\"index\", \"collections\"")]
    public void Rules(string content, string errorId, params object[] props) =>
        TestJson.AssertError(() => Parse("p", content), errorId, props);

    [TestCase("{}")]
    [TestCase("""{"policies":null}""")]
    [TestCase("""{"policies":[]}""")]
    public void Missing_or_empty_policies_become_the_default_role(string content)
    {
        var profile = Parse("p", content);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(profile.Policies, Is.EqualTo(new[] { new Policy("default") }));
            Assert.That(profile.RateLimit, Is.Zero);
        }
    }

    [Test]
    public void Default_role_must_exist_when_policies_default_to_it() =>
        TestJson.AssertError(
            () => Profile.Parse("p", TestJson.Parse("{}"), _ => false), SecurityErrorIds.RoleNotFound, "default");

    [TestCase("""{"rateLimit":null}""", 0)]
    [TestCase("""{"rateLimit":0}""", 0)]
    [TestCase("""{"rateLimit":25}""", 25)]
    [TestCase("""{"rateLimit":25.0}""", 25)]
    [TestCase("""{"rateLimit":1e30}""", long.MaxValue)]
    public void Rate_limit_values(string content, long expected) =>
        Assert.That(Parse("p", content).RateLimit, Is.EqualTo(expected));

    [TestCase("""{"policies":[{"roleId":"default"}]}""")]
    [TestCase("""{"policies":[{"roleId":"admin"},{"roleId":"default"}]}""")]
    [TestCase("{}")]
    public void Anonymous_profile_must_keep_the_anonymous_role(string content) =>
        TestJson.AssertError(() => Parse("anonymous", content), SecurityErrorIds.ProfileMissingAnonymousRole);

    [Test]
    public void Anonymous_profile_may_add_roles() =>
        Assert.That(
            Parse("anonymous", """{"policies":[{"roleId":"reader"},{"roleId":"anonymous","restrictedTo":[{"index":"i"}]}]}""").Policies,
            Has.Count.EqualTo(2));

    [Test]
    public void Restrictions_are_read()
    {
        var profile = Parse("p", """
            {"policies":[{"roleId":"reader","restrictedTo":[{"index":"nyc","collections":["y","g"]},{"index":"mtp","collections":null}]}],
             "rateLimit":5,"tags":["t"]}
            """);
        var restrictions = profile.Policies[0].RestrictedTo!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(restrictions[0].Index, Is.EqualTo("nyc"));
            Assert.That(restrictions[0].Collections, Is.EqualTo(new[] { "y", "g" }));
            Assert.That(restrictions[1], Is.EqualTo(new PolicyRestriction("mtp")));
            Assert.That(profile.RateLimit, Is.EqualTo(5));
        }
    }

    [Test]
    public void Role_existence_is_not_checked_without_a_lookup() =>
        Assert.That(Profile.Parse("p", TestJson.Parse("""{"policies":[{"roleId":"ghost"}]}""")).Policies[0].RoleId, Is.EqualTo("ghost"));
}

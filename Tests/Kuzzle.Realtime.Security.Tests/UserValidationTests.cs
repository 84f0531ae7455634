namespace Kuzzle.Realtime.Security.Tests;

/// <summary>security.md §1.1: user content rules.</summary>
public sealed class UserValidationTests
{
    private static readonly HashSet<string> ExistingProfiles = ["default", "anonymous", "admin"];

    [TestCase("u", "{}", SecurityErrorIds.MissingArgument, "profileIds")]
    [TestCase("u", """{"profileIds":null}""", SecurityErrorIds.MissingArgument, "profileIds")]
    [TestCase("u", """{"profileIds":"admin"}""", SecurityErrorIds.InvalidType, "profileIds", "array")]
    [TestCase("u", """{"profileIds":["admin",3]}""", SecurityErrorIds.InvalidType, "profileIds", "string[]")]
    [TestCase("u", """{"profileIds":[]}""", SecurityErrorIds.UserNoProfile, "u")]
    [TestCase("-1", """{"profileIds":["default"]}""", SecurityErrorIds.UserAnonymousProfileRequired)]
    [TestCase("-1", """{"profileIds":["ghost"]}""", SecurityErrorIds.UserAnonymousProfileRequired)]
    [TestCase("u", """{"profileIds":["default","ghost"]}""", SecurityErrorIds.ProfileNotFound, "ghost")]
    public void Rules(string kuid, string content, string errorId, params object[] props) =>
        TestJson.AssertError(() => User.Parse(kuid, TestJson.Parse(content), ExistingProfiles.Contains), errorId, props);

    [Test]
    public void Argument_name_is_the_callers() =>
        TestJson.AssertError(
            () => User.Parse("u", TestJson.Parse("{}"), profileIdsArgument: "body.content.profileIds"),
            SecurityErrorIds.MissingArgument, "body.content.profileIds");

    [Test]
    public void Content_keeps_every_key()
    {
        var user = User.Parse("u", TestJson.Parse("""{"profileIds":["default","admin"],"fullname":"Ada"}"""), ExistingProfiles.Contains);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(user.ProfileIds, Is.EqualTo(new[] { "default", "admin" }));
            Assert.That(user.Content.GetProperty("fullname").GetString(), Is.EqualTo("Ada"));
            Assert.That(user.IsAnonymous, Is.False);
        }
    }

    [Test]
    public void Anonymous_user_is_built_in()
    {
        var user = BuiltInSecurity.AnonymousUser;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(user.Kuid, Is.EqualTo("-1"));
            Assert.That(user.IsAnonymous, Is.True);
            Assert.That(user.ProfileIds, Is.EqualTo(new[] { "anonymous" }));
            Assert.That(user.Content.GetProperty("name").GetString(), Is.EqualTo("Anonymous"));
            Assert.That(BuiltInSecurity.IsAnonymousUserId("anonymous"), Is.True);
            Assert.That(BuiltInSecurity.IsAnonymousUserId("-1"), Is.True);
            Assert.That(BuiltInSecurity.IsAnonymousUserId("admin"), Is.False);
        }
    }

    [Test]
    public void Default_content_holds_the_profile_ids() =>
        Assert.That(new User("u", ["a"]).Content.GetProperty("profileIds")[0].GetString(), Is.EqualTo("a"));
}

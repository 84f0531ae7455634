using System.Globalization;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Compatibility;

/// <summary>The official kuzzle-sdk 7.17.1 driving the security controller (objects, search pagination, scroll, rights).</summary>
[TestFixture]
[Category("Node")]
public sealed class SdkSecurityTests : ServerFixture
{
    [TestCase("websocket")]
    [TestCase("http")]
    public async Task Sdk_ManagesRolesProfilesUsers_AndPaginatesSearches(string protocol)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var checks = await NodeScript.RunChecksAsync("security-smoke.js", Server.Port.ToString(CultureInfo.InvariantCulture), protocol, suffix);
        Assert.That(checks, Does.Not.ContainKey("fatal"), checks.TryGetValue("fatal", out var fatal) ? fatal.ToString() : "");
        string[] users = [$"user1-{suffix}", $"user2-{suffix}", $"user3-{suffix}"];
        Assert.Multiple(() =>
        {
            Assert.That(checks["role.controllers"].GetProperty("realtime").GetProperty("actions").GetProperty("*").GetBoolean(), Is.True);
            Assert.That(checks["profile.policies"][0].GetProperty("roleId").GetString(), Is.EqualTo($"role-{suffix}"));
            Assert.That(checks["user.profileIds"][0].GetString(), Is.EqualTo($"profile-{suffix}"));
            Assert.That(checks["user.content.n"].GetInt32(), Is.EqualTo(1));
            Assert.That(checks["searchUsers.paged"].EnumerateArray().Select(e => e.GetString()), Is.EqualTo(users));
            Assert.That(checks["searchUsers.scrolled"].EnumerateArray().Select(e => e.GetString()), Is.EquivalentTo(users));
            Assert.That(checks["searchProfiles"].EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { $"profile-{suffix}" }));
            Assert.That(checks["rights"][0].GetProperty("controller").GetString(), Is.EqualTo("realtime"));
            Assert.That(checks["credentials"].GetProperty("username").GetString(), Is.EqualTo($"name2-{suffix}"));
            Assert.That(checks["deleted"].GetProperty("_id").GetString(), Is.EqualTo($"user3-{suffix}"));
            Assert.That(checks["badRole"].GetProperty("id").GetString(), Is.EqualTo("security.role.unknown_controller"));
        });
    }
}

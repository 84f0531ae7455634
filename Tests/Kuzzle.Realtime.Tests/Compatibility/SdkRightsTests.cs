using System.Globalization;
using System.Text.Json;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Compatibility;

/// <summary>kuzzle-sdk 7.17.1 creates a role, a profile and a user, logs in as that user and is allowed or refused per the role.</summary>
[TestFixture]
[Category("Node")]
public sealed class SdkRightsTests : ServerFixture
{
    [TestCase("websocket")]
    [TestCase("http")]
    public async Task A_user_is_allowed_and_refused_exactly_as_its_role_says(string protocol)
    {
        var suffix = protocol + Guid.NewGuid().ToString("N")[..6];
        var checks = await NodeScript.RunChecksAsync("rights-smoke.js", Server.Port.ToString(CultureInfo.InvariantCulture), protocol, suffix);

        Assert.That(checks, Does.Not.ContainKey("fatal"), () => checks["fatal"].ToString());
        Assert.Multiple(() =>
        {
            Assert.That(checks["now"].GetString(), Is.EqualTo("allowed"));
            AssertRefused(checks["info"], "security.rights.forbidden", 403);
            AssertRefused(checks["createRole"], "security.rights.forbidden", 403);
            if (protocol == "websocket")
            {
                Assert.That(checks["subscribeAllowedIndex"].GetString(), Is.EqualTo("allowed"));
                AssertRefused(checks["subscribeOtherIndex"], "security.rights.forbidden", 403);
            }

            AssertRefused(checks["nowAfterChange"], "security.rights.forbidden", 403);
            Assert.That(checks["infoAfterChange"].GetString(), Is.EqualTo("allowed"));
            Assert.That(checks["anonymousInfo"].GetString(), Is.EqualTo("allowed"), "anonymous still has the bootstrap rights on this server");
        });
    }

    private static void AssertRefused(JsonElement value, string id, int status)
    {
        Assert.That(value.ValueKind, Is.EqualTo(JsonValueKind.Object), value.ToString());
        Assert.That((value.GetProperty("id").GetString(), value.GetProperty("status").GetInt32()), Is.EqualTo((id, status)));
    }
}

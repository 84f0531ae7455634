using System.Globalization;
using System.Text.Json;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Compatibility;

/// <summary>The "Authenticate users" guide driven by kuzzle-sdk 7.17.1 from Node, over WebSocket and HTTP (auth-flow.js).</summary>
[TestFixture]
[Category("Node")]
public sealed class SdkAuthFlowTests : ServerFixture
{
    [TestCase("websocket")]
    [TestCase("http")]
    public async Task The_guide_flow_works_unchanged(string protocol)
    {
        var suffix = protocol + Guid.NewGuid().ToString("N")[..6];
        var checks = await NodeScript.RunChecksAsync("auth-flow.js", Server.Port.ToString(CultureInfo.InvariantCulture), protocol, suffix);

        Assert.That(checks, Does.Not.ContainKey("fatal"), () => checks["fatal"].ToString());
        Assert.Multiple(() =>
        {
            Assert.That(Value(checks, "createUser").GetProperty("id").GetString(), Is.EqualTo("najada-" + suffix));
            Assert.That(Error(checks, "badPassword"), Is.EqualTo("plugin.strategy.missing_user"));
            Assert.That(Value(checks, "login").GetProperty("prefix").GetString(), Is.EqualTo("kauth-"));
            Assert.That(Value(checks, "login").GetProperty("sdkHoldsIt").GetBoolean(), Is.True);
            Assert.That(Value(checks, "isAuthenticated").GetBoolean(), Is.True);
            Assert.That(Value(checks, "getCurrentUser").GetProperty("id").GetString(), Is.EqualTo("najada-" + suffix));
            Assert.That(Value(checks, "getCurrentUser").GetProperty("fullname").GetString(), Is.EqualTo("Najada"));
            Assert.That(Value(checks, "checkToken").GetProperty("valid").GetBoolean(), Is.True);
            Assert.That(Value(checks, "getMyRights").GetBoolean(), Is.True);
            Assert.That(Value(checks, "credentialsExist").GetBoolean(), Is.True);
            Assert.That(Value(checks, "otherSdkWithToken").GetString(), Is.EqualTo("najada-" + suffix));
            Assert.That(Value(checks, "refreshToken").GetProperty("changed").GetBoolean(), Is.True);
            Assert.That(Value(checks, "refreshToken").GetProperty("ttl").GetInt64(), Is.EqualTo(7_200_000));
            Assert.That(Value(checks, "refreshToken").GetProperty("sdkHoldsIt").GetBoolean(), Is.True);
            Assert.That(Value(checks, "apiKey").GetProperty("prefix").GetString(), Is.EqualTo("kapikey-"));
            Assert.That(Value(checks, "apiKey").GetProperty("user").GetString(), Is.EqualTo("najada-" + suffix));
            Assert.That(Value(checks, "apiKey").GetProperty("afterDelete").GetString(), Is.EqualTo("security.token.invalid"));
            Assert.That(Value(checks, "logout").GetProperty("sdkJwt").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(Value(checks, "logout").GetProperty("oldTokenValid").GetBoolean(), Is.False);
            if (protocol == "websocket")
            {
                Assert.That(Value(checks, "tokenExpired").GetString(), Is.EqualTo("tokenExpired"));
            }
        });
    }

    private static JsonElement Value(Dictionary<string, JsonElement> checks, string name)
    {
        Assert.That(checks, Does.ContainKey(name));
        var value = checks[name];
        Assert.That(value.ValueKind == JsonValueKind.Object && value.TryGetProperty("error", out var e) ? e.ToString() : null, Is.Null, name);
        return value;
    }

    private static string? Error(Dictionary<string, JsonElement> checks, string name) =>
        checks[name].TryGetProperty("error", out var e) ? e.GetProperty("id").GetString() : null;
}

using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Compatibility;

/// <summary>The official kuzzle-sdk 7.17.1, run from Node, against the real server over WebSocket and HTTP.</summary>
[TestFixture]
[Category("Node")]
public sealed class SdkServerControllerTests : ServerFixture
{
    [Test]
    public async Task Sdk_OverWebSocket_CallsServerActions_AndGetsKuzzleErrors()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var checks = await NodeScript.RunChecksAsync("server-smoke.js", Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "websocket");
        Assert.Multiple(() =>
        {
            Assert.That(checks["now"].GetInt64(), Is.GreaterThanOrEqualTo(before));
            Assert.That(checks["info.version"].GetString(), Is.EqualTo("2.56.0"));
            Assert.That(checks["adminExists"].GetBoolean(), Is.False);
            Assert.That(checks["unknownAction"].GetProperty("id").GetString(), Is.EqualTo("api.process.action_not_found"));
            Assert.That(checks["unknownAction"].GetProperty("status").GetInt32(), Is.EqualTo(404));
            Assert.That(checks["unknownController"].GetProperty("id").GetString(), Is.EqualTo("api.process.controller_not_found"));
            Assert.That(checks, Does.Not.ContainKey("networkError"));
        });
    }

    [Test]
    public async Task Sdk_OverHttp_DiscoversRoutesFromPublicApi_AndCallsServerActions()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var checks = await NodeScript.RunChecksAsync("server-smoke.js", Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "http");
        Assert.Multiple(() =>
        {
            Assert.That(checks["now"].GetInt64(), Is.GreaterThanOrEqualTo(before));
            Assert.That(checks["info.version"].GetString(), Is.EqualTo("2.56.0"));
            Assert.That(checks["adminExists"].GetBoolean(), Is.False);

            // Over HTTP the SDK refuses actions it found no route for, before sending anything.
            Assert.That(checks["unknownAction"].GetProperty("message").GetString(), Does.Contain("No URL found for \"server:doesNotExist\""));
        });
    }
}

using System.Text.Json;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Compatibility;

/// <summary>kuzzle-sdk 7.17.1 pub/sub against the real server: filters, channels, subscribeToSelf, user notifications, count.</summary>
[TestFixture]
[Category("Node")]
public sealed class SdkRealtimeTests
{
    [Test]
    public async Task Sdk_SubscribesPublishesAndCounts_ExactlyAsAgainstKuzzle()
    {
        await using var server = await TestServer.StartAsync();
        var index = "sdk-" + Guid.NewGuid().ToString("N")[..8];
        var checks = await NodeScript.RunChecksAsync("realtime-smoke.js", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), index);
        var received = checks["received"].EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(checks["roomId"].GetString(), Has.Length.EqualTo(64));
            Assert.That(received.Select(n => n.GetProperty("model").GetString()), Is.EqualTo(new[] { "fast", "self" }));
            Assert.That(received[0].GetProperty("id").GetString(), Is.EqualTo("car-1"));
            Assert.That(received[0].GetProperty("action").GetString(), Is.EqualTo("publish"));
            Assert.That(checks["quiet"].EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "slow", "fast" }));
            Assert.That(checks["count"].GetInt32(), Is.EqualTo(1));
            Assert.That(checks["userIn"].GetProperty("count").GetInt32(), Is.EqualTo(2));
            Assert.That(checks["userOut"].GetProperty("user").GetString(), Is.EqualTo("out"));
            Assert.That(checks["userOut"].GetProperty("count").GetInt32(), Is.EqualTo(1));
            Assert.That(checks["countAfterUnsubscribe"].GetInt32(), Is.Zero);
        });
        Assert.That(checks["received"].ValueKind, Is.EqualTo(JsonValueKind.Array));
    }
}

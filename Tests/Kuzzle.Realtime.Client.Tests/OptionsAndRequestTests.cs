using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Client.Tests;

/// <summary>Building options from addresses and requests from JSON (no server needed).</summary>
[TestFixture]
public sealed class OptionsAndRequestTests
{
    [TestCase("ws://example.com", KuzzleProtocol.WebSocket, false, 7512)]
    [TestCase("wss://example.com:443", KuzzleProtocol.WebSocket, true, 443)]
    [TestCase("http://example.com:7600", KuzzleProtocol.Http, false, 7600)]
    [TestCase("https://example.com", KuzzleProtocol.Http, true, 7512)]
    public void Options_come_from_an_address(string address, KuzzleProtocol protocol, bool ssl, int port)
    {
        var options = KuzzleClientOptions.FromUri(new Uri(address));

        Assert.Multiple(() =>
        {
            Assert.That(options.Host, Is.EqualTo("example.com"));
            Assert.That(options.Protocol, Is.EqualTo(protocol));
            Assert.That(options.Ssl, Is.EqualTo(ssl));
            Assert.That(options.Port, Is.EqualTo(port));
        });
    }

    [Test]
    public void Bad_options_are_refused_when_the_client_is_created()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => KuzzleClientOptions.FromUri(new Uri("ftp://example.com")));
            Assert.Throws<ArgumentOutOfRangeException>(() => _ = new KuzzleClient(KuzzleClientOptions.Default with { Port = 70000 }));
            Assert.Throws<ArgumentOutOfRangeException>(() => _ = new KuzzleClient(KuzzleClientOptions.Default with { OfflineQueueMaxSize = -1 }));
            Assert.Throws<ArgumentOutOfRangeException>(() => _ = new KuzzleClient(KuzzleClientOptions.Default with { MaxReconnectionDelay = TimeSpan.FromMilliseconds(1) }));
        });
    }

    [Test]
    public void A_json_request_keeps_its_named_keys_and_every_other_key_as_an_argument()
    {
        var request = KuzzleRequest.FromJson(new JsonObject
        {
            ["controller"] = "security",
            ["action"] = "createUser",
            ["_id"] = "alice",
            ["refresh"] = "wait_for",
            ["body"] = new JsonObject { ["content"] = new JsonObject() },
            ["volatile"] = new JsonObject { ["tag"] = 1 },
        });

        Assert.Multiple(() =>
        {
            Assert.That(request.ToString(), Is.EqualTo("security:createUser"));
            Assert.That(request.Id, Is.EqualTo("alice"));
            Assert.That(request["refresh"]!.GetValue<string>(), Is.EqualTo("wait_for"));
            Assert.That(request.Body!["content"], Is.Not.Null);
            Assert.That(request.Volatile!["tag"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(request.Arguments.Select(a => a.Key), Is.EqualTo(new[] { "refresh" }));
        });
    }

    [Test]
    public void A_json_request_without_controller_or_with_a_non_string_index_is_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => KuzzleRequest.FromJson(new JsonObject { ["action"] = "now" }));
            Assert.Throws<ArgumentException>(() => KuzzleRequest.FromJson(new JsonObject { ["controller"] = "server", ["action"] = "now", ["index"] = 5 }));
        });
    }
}

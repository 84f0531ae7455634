using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Client.Tests.Support;

namespace Kuzzle.Realtime.Client.Tests;

/// <summary>Raw queries, login and errors over both protocols, against the real server.</summary>
[TestFixture(KuzzleProtocol.WebSocket)]
[TestFixture(KuzzleProtocol.Http)]
public sealed class CoreTests(KuzzleProtocol protocol)
{
    private RealServer _server = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await RealServer.StartAsync();
        await using var admin = await _server.ConnectAsync(protocol);
        await Users.CreateAsync(admin, "core-user", "core", "core-password-1");
    }

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    [Test]
    public async Task A_raw_query_returns_the_result_as_json()
    {
        await using var client = await _server.ConnectAsync(protocol);

        var response = await client.QueryAsync(new JsonObject { ["controller"] = "server", ["action"] = "now" });

        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(200));
            Assert.That(response.Controller, Is.EqualTo("server"));
            Assert.That(response.Action, Is.EqualTo("now"));
            Assert.That(response.Result.GetProperty("now").GetInt64(), Is.GreaterThan(1_700_000_000_000));
        });
    }

    [Test]
    public async Task Login_sets_the_token_and_the_current_user_is_the_logged_in_one()
    {
        await using var client = await _server.ConnectAsync(protocol);
        var anonymous = await client.Auth.GetCurrentUserAsync();

        var jwt = await client.Auth.LoginAsync("local", Users.Local("core", "core-password-1"), "1h");
        var me = await client.Auth.GetCurrentUserAsync();

        Assert.Multiple(() =>
        {
            Assert.That(anonymous.Id, Is.EqualTo("-1"));
            Assert.That(jwt, Does.StartWith("kauth-"));
            Assert.That(client.Jwt, Is.EqualTo(jwt));
            Assert.That(me.Id, Is.EqualTo("core-user"));
            Assert.That(me.ProfileIds, Is.EqualTo(new[] { "default" }));
        });
    }

    [Test]
    public async Task A_wrong_password_is_a_kuzzle_exception_with_id_code_and_status()
    {
        await using var client = await _server.ConnectAsync(protocol);

        var error = (await Assert.ThrowsAsync<KuzzleException>(() => client.Auth.LoginAsync("local", Users.Local("core", "wrong-password"))))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Status, Is.EqualTo(401));
            Assert.That(error.Id, Is.EqualTo("plugin.strategy.missing_user"));
            Assert.That(error.Code, Is.Not.Zero);
            Assert.That(error.Message, Is.Not.Empty);
            Assert.That(error.StackTrace, Does.Not.Contain("at Kuzzle.Realtime.Server"));
            Assert.That(client.Jwt, Is.Null);
        });
    }

    [Test]
    public async Task An_unknown_action_is_reported_with_the_server_error_id()
    {
        await using var client = await _server.ConnectAsync(protocol);

        var error = (await Assert.ThrowsAsync<KuzzleException>(() => client.QueryAsync(new KuzzleRequest("server", "noSuchAction"))))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Id, Is.EqualTo("api.process.action_not_found"));
            Assert.That(error.Status, Is.EqualTo(404));
        });
    }

    [Test]
    public async Task A_caller_chosen_request_id_is_echoed_and_arguments_reach_the_server()
    {
        await using var client = await _server.ConnectAsync(protocol);
        var request = new KuzzleRequest("realtime", "publish")
        {
            Index = "core",
            Collection = "args",
            RequestId = "my-own-id-" + Guid.NewGuid().ToString("N"),
            Body = new JsonObject { ["hello"] = "world" },
            Volatile = new JsonObject { ["tag"] = "v1" },
        };

        var response = await client.QueryAsync(request);

        Assert.Multiple(() =>
        {
            Assert.That(response.RequestId, Is.EqualTo(request.RequestId));
            Assert.That(response.Result.GetProperty("published").GetBoolean(), Is.True);
            Assert.That(response.Index, Is.EqualTo("core"));
            Assert.That(response.Volatile.GetProperty("tag").GetString(), Is.EqualTo("v1"));
            Assert.That(response.Volatile.GetProperty("sdkInstanceId").GetString(), Is.EqualTo(client.SdkInstanceId));
        });
    }

    [Test]
    public async Task A_request_after_disconnect_fails_with_not_connected()
    {
        var client = await _server.ConnectAsync(protocol);
        await client.DisconnectAsync();

        var error = (await Assert.ThrowsAsync<KuzzleException>(() => client.Server.NowAsync()))!;

        Assert.That(error.Id, Is.EqualTo(ClientErrors.NotConnected));
        await client.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.Server.NowAsync());
    }

    [Test]
    public async Task An_unreachable_server_fails_connect_with_connection_failed()
    {
        var options = _server.ClientOptions(protocol) with { Port = FreePort() };
        await using var client = new KuzzleClient(options);

        if (protocol == KuzzleProtocol.WebSocket)
        {
            var error = (await Assert.ThrowsAsync<KuzzleException>(() => client.ConnectAsync()))!;
            Assert.That(error.Id, Is.EqualTo(ClientErrors.ConnectionFailed));
        }
        else
        {
            await client.ConnectAsync();
            var error = (await Assert.ThrowsAsync<KuzzleException>(() => client.Server.NowAsync()))!;
            Assert.That(error.Id, Is.EqualTo(ClientErrors.ConnectionFailed));
        }
    }

    [Test]
    public async Task Logout_forgets_the_token_and_the_server_rejects_it()
    {
        await using var client = await _server.ConnectAsync(protocol);
        var jwt = await client.Auth.LoginAsync("local", Users.Local("core", "core-password-1"));

        await client.Auth.LogoutAsync();
        var check = await client.Auth.CheckTokenAsync(jwt);

        Assert.Multiple(() =>
        {
            Assert.That(client.Jwt, Is.Null);
            Assert.That(check.Valid, Is.False);
            Assert.That(check.State, Is.Not.Null.And.Not.Empty);
        });
    }

    [Test]
    public async Task A_false_boolean_argument_means_false_over_both_protocols()
    {
        await using var first = await _server.ConnectAsync(protocol);
        await using var second = await _server.ConnectAsync(protocol);
        await first.Auth.LoginAsync("local", Users.Local("core", "core-password-1"));
        var other = await second.Auth.LoginAsync("local", Users.Local("core", "core-password-1"));

        // Over HTTP Kuzzle reads any present boolean argument as true: the client leaves false ones out.
        await first.QueryAsync(new KuzzleRequest("auth", "logout") { ["global"] = false });
        var otherAfter = await first.Auth.CheckTokenAsync(other);

        Assert.That(otherAfter.Valid, Is.True);
    }

    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}

using System.Text.Json;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Cli.Tests.Support;

/// <summary>
/// A real server shared by a fixture's tests, with the guide's user <c>melis</c>/<c>password</c> (profile <c>default</c>) and a
/// first administrator <c>admin</c>/<c>admin-password</c> (created with <c>reset</c>, so anonymous rights are restricted), and
/// the tool pointed at it.
/// </summary>
public abstract class CliFixture
{
    /// <summary>The administrator's flags.</summary>
    protected static readonly string[] AsAdmin = ["--username", "admin", "--password", "admin-password"];

    /// <summary>The server.</summary>
    protected TestServer Server { get; private set; } = null!;

    /// <summary>The tool, pointed at <see cref="Server"/>.</summary>
    protected Kourou Kourou { get; private set; } = null!;

    /// <summary>Starts the server and creates the users.</summary>
    [OneTimeSetUp]
    public async Task StartServerAsync()
    {
        Server = await TestServer.StartAsync();
        Kourou = new Kourou(Server.Port);
        await TestUsers.CreateAsync(Server, "melis", "melis", "password");
        await using var client = await Server.ConnectAsync();
        var admin = await client.RequestAsync(
            """{"controller":"security","action":"createFirstAdmin","_id":"admin","reset":true,"requestId":"first-admin","body":{"content":{"name":"admin"},"credentials":{"local":{"username":"admin","password":"admin-password"}}}}""");
        Assert.That(admin.GetProperty("status").GetInt32(), Is.EqualTo(200), admin.ToString());
    }

    /// <summary>Stops it.</summary>
    [OneTimeTearDown]
    public async Task StopServerAsync() => await Server.DisposeAsync();

    /// <summary>Logs in over a socket (not through the tool) and returns the token.</summary>
    protected async Task<string> LoginAsync(string username, string password)
    {
        await using var client = await Server.ConnectAsync();
        return await TestUsers.LoginAsync(client, username, password);
    }

    /// <summary>Sends a request as the administrator over a socket (not through the tool) and returns the response.</summary>
    protected async Task<JsonElement> AdminRequestAsync(string json)
    {
        var token = await LoginAsync("admin", "admin-password");
        await using var client = await Server.ConnectAsync();
        using var document = JsonDocument.Parse(json);
        var request = new Dictionary<string, JsonElement>();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            request[property.Name] = property.Value.Clone();
        }

        request["jwt"] = JsonSerializer.SerializeToElement(token);
        request["requestId"] = JsonSerializer.SerializeToElement(Guid.NewGuid().ToString("N"));
        return await client.RequestAsync(JsonSerializer.Serialize(request));
    }

    /// <summary>Parses the tool's standard output as JSON.</summary>
    protected static JsonElement Json(KourouResult result)
    {
        try
        {
            return TestServer.Json(result.Stdout);
        }
        catch (JsonException)
        {
            Assert.Fail("standard output is not JSON:\n" + result);
            throw;
        }
    }
}

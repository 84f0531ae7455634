namespace Kuzzle.Realtime.Tests.Support;

/// <summary>One real server (and an HTTP client for it) shared by the tests of a fixture.</summary>
public abstract class ServerFixture
{
    /// <summary>The running server.</summary>
    protected TestServer Server { get; private set; } = null!;

    /// <summary>An HTTP client for it.</summary>
    protected HttpClient Http { get; private set; } = null!;

    /// <summary>Starts the server.</summary>
    [OneTimeSetUp]
    public async Task StartServerAsync()
    {
        Server = await TestServer.StartAsync();
        Http = Server.CreateHttpClient();
    }

    /// <summary>Stops it.</summary>
    [OneTimeTearDown]
    public async Task StopServerAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}

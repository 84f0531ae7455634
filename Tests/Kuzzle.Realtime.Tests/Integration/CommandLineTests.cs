using Kuzzle.Realtime.Server.Hosting;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Integration;

/// <summary>The command-line contract: --port/--data/--redis, environment-style keys, and clear failures with non-zero exit codes.</summary>
[TestFixture]
[NonParallelizable]
public sealed class CommandLineTests
{
    [Test]
    public async Task BadConfiguration_ExitsWithCode2_AndSaysWhy()
    {
        var (code, error) = await RunCapturingErrorAsync("--port", "abc");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("Kuzzle:Server:Port"));

        (code, error) = await RunCapturingErrorAsync("--port", "0", "--Kuzzle:Limits:ConcurrentRequests=0");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("Kuzzle:Limits:ConcurrentRequests must be at least 1"));
    }

    [Test]
    public async Task BusyPort_ExitsWithCode1_AndSaysWhy()
    {
        await using var running = await TestServer.StartAsync();
        var data = Path.Combine(Path.GetTempPath(), "kuzzle-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, error) = await RunCapturingErrorAsync("--port", running.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--host", "127.0.0.1", "--data", data);
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Does.Contain("address already in use").IgnoreCase);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Test]
    public async Task DataDirectoryInUse_ExitsWithCode3()
    {
        await using var running = await TestServer.StartAsync();
        var (code, error) = await RunCapturingErrorAsync("--port", "0", "--host", "127.0.0.1", "--data", running.DataDirectory);
        Assert.That(code, Is.EqualTo(3));
        Assert.That(error, Does.Contain("already in use"));
    }

    [Test]
    public async Task StartupLine_NamesAddressStoreAndLimits()
    {
        await using var server = await TestServer.StartAsync("--Kuzzle:Server:WebSocket:MaxConnections=123");
        var line = ServerHost.StartupLine(server.App);
        Assert.That(line, Does.Contain($"ws+http://127.0.0.1:{server.Port}"));
        Assert.That(line, Does.Contain("store: embedded ("));
        Assert.That(line, Does.Contain("maxConnections=123"));
    }

    private static async Task<(int Code, string Error)> RunCapturingErrorAsync(params string[] args)
    {
        var original = Console.Error;
        await using var capture = new StringWriter();
        Console.SetError(capture);
        try
        {
            var code = await ServerHost.RunAsync(args);
            return (code, capture.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }
}

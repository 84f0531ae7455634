using System.Globalization;
using Kuzzle.Realtime.Cli.Tests.Support;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Cli.Tests;

/// <summary><c>realtime:subscribe</c> and subscribing <c>sdk:execute</c> code, fed by a second invocation of the tool.</summary>
public sealed class RealtimeTests : CliFixture
{
    [Test]
    public async Task Subscribe_prints_the_notification_published_by_another_invocation()
    {
        await using var subscriber = Kourou.Start(["realtime:subscribe", "iot", "sensors", "{ range: { temperature: { gt: 0 } } }", .. AsAdmin]);
        await subscriber.WaitForAsync("[ℹ] Waiting for realtime notifications on \"iot\":\"sensors\" ...");

        var cold = await Kourou.RunAsync(["realtime:publish", "iot", "sensors", "{ temperature: -5, label: 'cold' }", .. AsAdmin], stdin: null);
        var warm = await Kourou.RunAsync(["realtime:publish", "iot", "sensors", "{ temperature: 25, label: 'warm' }", .. AsAdmin], stdin: null);
        Assert.That(cold.ExitCode, Is.EqualTo(0), cold.ToString());
        Assert.That(warm.ExitCode, Is.EqualTo(0), warm.ToString());

        await subscriber.WaitForAsync("\"warm\"", onStdout: true);
        await subscriber.WaitForAsync("[ℹ] New notification triggered by API action \"realtime:publish\"");
        Assert.That(await subscriber.StopAsync(), Is.EqualTo(0));
        Assert.Multiple(() =>
        {
            Assert.That(subscriber.Stdout, Does.Contain("\"temperature\": 25"));
            Assert.That(subscriber.Stdout, Does.Not.Contain("cold"), "outside the filters");
        });
    }

    [Test]
    public async Task Sdk_execute_code_that_subscribes_stays_connected_and_runs_its_callback()
    {
        await using var script = Kourou.Start(["sdk:execute", """
            await sdk.realtime.subscribe('iot', 'alarms', {}, (notification) => {
              console.log('alarm', notification.result._source.level);
            });
            """, .. AsAdmin]);
        await script.WaitForAsync("[ℹ] Keep alive for realtime notifications ...");

        var published = await Kourou.RunAsync(["sdk:execute", "return await sdk.realtime.publish('iot', 'alarms', { level: 'high' })", .. AsAdmin], stdin: null);
        Assert.That(published.ExitCode, Is.EqualTo(0), published.ToString());
        Assert.That(published.Stdout.Trim(), Is.EqualTo("true"));

        await script.WaitForAsync("alarm high", onStdout: true);
        Assert.That(await script.StopAsync(), Is.EqualTo(0));
    }

    [Test]
    public async Task A_subscriber_reconnects_and_subscribes_again_after_a_server_restart()
    {
        var port = FreePort.Next();
        var data = Directory.CreateTempSubdirectory("kourou-restart-").FullName;
        string[] settings = ["--port", port.ToString(CultureInfo.InvariantCulture), "--data", data];
        var kourou = new Kourou(port);
        RunningKourou? subscriber = null;
        var server = await TestServer.StartAsync(settings);
        try
        {
            subscriber = kourou.Start("realtime:subscribe", "iot", "restarts");
            await subscriber.WaitForAsync("Waiting for realtime notifications");
            await server.DisposeAsync();
            await subscriber.WaitForAsync("reconnecting ...");

            server = await TestServer.StartAsync(settings);
            await subscriber.WaitForAsync($"[ℹ] Reconnected to ws://127.0.0.1:{port}");
            var published = await kourou.RunAsync("realtime:publish", "iot", "restarts", "{ after: 'restart' }");
            Assert.That(published.ExitCode, Is.EqualTo(0), published.ToString());

            await subscriber.WaitForAsync("\"after\": \"restart\"", onStdout: true);
            Assert.That(await subscriber.StopAsync(), Is.EqualTo(0));
        }
        finally
        {
            if (subscriber is not null)
            {
                await subscriber.DisposeAsync();
            }

            await server.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    [Test]
    public async Task Subscribing_over_http_is_refused()
    {
        var result = await Kourou.RunAsync("realtime:subscribe", "iot", "sensors", "--protocol", "http");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("[X] Realtime notification does not work with the Http protocol"));
    }
}

using Kuzzle.Realtime.Server.Api;
using Kuzzle.Realtime.Server.Configuration;
using Kuzzle.Realtime.Server.Network.Http;

namespace Kuzzle.Realtime.Tests.Protocol;

/// <summary>Pure server logic: routing, sizes, configuration validation, gates and limiters.</summary>
[TestFixture]
public sealed class ServerUnitTests
{
    private static readonly HttpRouter Router = new(RouteTable.Routes);

    [TestCase("GET", "/users/_me", "auth", "getCurrentUser")]
    [TestCase("GET", "/users/_mGet", "security", "mGetUsers")]
    [TestCase("GET", "/credentials/local/_me", "auth", "getMyCredentials")]
    [TestCase("GET", "/credentials/_fields", "security", "getAllCredentialFields")]
    [TestCase("GET", "/credentials/local/_fields", "security", "getCredentialFields")]
    [TestCase("GET", "/users/bob", "security", "getUser")]
    [TestCase("POST", "/my-index/my-collection/_publish", "realtime", "publish")]
    [TestCase("GET", "/", "server", "info")]
    public void LiteralSegmentsBeatPlaceholders(string verb, string path, string controller, string action)
    {
        var match = Router.Match(verb, path);
        Assert.That(match, Is.Not.Null);
        Assert.That((match!.Route.Controller, match.Route.Action), Is.EqualTo((controller, action)));
    }

    [Test]
    public void Placeholders_ArePercentDecoded()
    {
        var match = Router.Match("GET", "/users/a%20b");
        Assert.That(match!.Parameters.Single(), Is.EqualTo(new KeyValuePair<string, string>("_id", "a b")));
    }

    [Test]
    public void NoBacktracking_ALiteralThatDeadEndsIs404()
    {
        // "_me" is a literal under /users; /users/_me/nothing has no route even though /users/:_id/... exist.
        Assert.That(Router.Match("GET", "/users/_me/nothing"), Is.Null);
    }

    [TestCase("1MB", 1_048_576)]
    [TestCase("512kb", 524_288)]
    [TestCase("1048576", 1_048_576)]
    [TestCase("2 GB", 2_147_483_648)]
    public void ByteSizes_UsePowersOf1024(string text, long expected)
    {
        Assert.That(ByteSize.TryParse(text, out var bytes), Is.True);
        Assert.That(bytes, Is.EqualTo(expected));
    }

    [TestCase("")]
    [TestCase("-1MB")]
    [TestCase("lots")]
    public void ByteSizes_RejectNonsense(string text) => Assert.That(ByteSize.TryParse(text, out _), Is.False);

    [Test]
    public void Configuration_ReportsEveryProblem()
    {
        var options = new KuzzleOptions();
        options.Server.Port = 70_000;
        options.Server.MaxRequestSize = "huge";
        options.Limits.ConcurrentRequests = 60_000;
        EffectiveSettings.Create(options, out var errors);
        Assert.That(errors, Has.Some.Contains("Port"));
        Assert.That(errors, Has.Some.Contains("MaxRequestSize"));
        Assert.That(errors, Has.Some.Contains("ConcurrentRequests must be lower than"));
    }

    [Test]
    public void IdleTimeoutBelowOneSecond_FallsBackToKuzzleDefault()
    {
        var options = new KuzzleOptions();
        options.Server.WebSocket.IdleTimeout = 10;
        var settings = EffectiveSettings.Create(options, out var errors);
        Assert.That(errors, Is.Empty);
        Assert.That(settings.IdleTimeout, Is.EqualTo(TimeSpan.FromMinutes(1)));
    }

    [Test]
    public async Task RequestGate_QueuesBeyondConcurrency_AndRefusesBeyondTheBuffer()
    {
        using var gate = new RequestGate(concurrentRequests: 1, bufferSize: 1);
        await gate.EnterAsync(CancellationToken.None);
        var waiting = gate.EnterAsync(CancellationToken.None).AsTask();
        Assert.That(waiting.IsCompleted, Is.False);
        Assert.That(gate.Pending, Is.EqualTo(1));
        var ex = await Assert.ThrowsAsync<Kuzzle.Realtime.Protocol.Errors.KuzzleException>(async () => await gate.EnterAsync(CancellationToken.None));
        Assert.That(ex!.Definition!.Id, Is.EqualTo("api.process.overloaded"));
        gate.Exit();
        await waiting;
        Assert.That(gate.Executing, Is.EqualTo(1));
        gate.Exit();
    }

    [Test]
    public async Task RequestGate_RaisesOverloadAtTheWarningThreshold()
    {
        using var gate = new RequestGate(concurrentRequests: 1, bufferSize: 10, warningThreshold: 2);
        var raised = new List<int>();
        gate.Overloaded += raised.Add;
        await gate.EnterAsync(CancellationToken.None);
        var waiting = new[] { gate.EnterAsync(CancellationToken.None).AsTask(), gate.EnterAsync(CancellationToken.None).AsTask(), gate.EnterAsync(CancellationToken.None).AsTask() };
        Assert.That(raised, Is.EqualTo(new[] { 2 }));
        for (var i = 0; i < 4; i++)
        {
            gate.Exit();
        }

        await Task.WhenAll(waiting);
    }

    [Test]
    public void UserRateLimiter_CountsPerUserPerSecond()
    {
        var time = new ManualTime(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));
        var limiter = new UserRateLimiter(time);
        Assert.That(Enumerable.Range(0, 3).All(_ => limiter.TryAcquire("u", 3)), Is.True);
        Assert.That(limiter.TryAcquire("u", 3), Is.False);
        Assert.That(limiter.TryAcquire("other", 3), Is.True);
        Assert.That(limiter.TryAcquire("u", 0), Is.True);
        time.Now = time.Now.AddSeconds(1);
        Assert.That(limiter.TryAcquire("u", 3), Is.True);
    }

    [TestCase("gzip, deflate", "gzip")]
    [TestCase("deflate", "deflate")]
    [TestCase("gzip;q=0.2, deflate;q=0.8", "deflate")]
    [TestCase("br", "identity")]
    [TestCase("", "identity")]
    [TestCase("gzip;q=0", "identity")]
    public void ResponseEncoding_HighestQWins_TiesGoToGzip(string accept, string expected) =>
        Assert.That(HttpEndpoint.ChooseEncoding(accept), Is.EqualTo(expected));

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}

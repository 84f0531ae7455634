using System.Collections.Concurrent;

namespace Kuzzle.Realtime.Storage.Tests.Contract;

/// <summary>
/// The contract every <see cref="IStorageProvider"/> must pass, written once (split by store into partial files) and inherited
/// by one fixture per implementation. Each test gets a fresh, isolated provider.
/// </summary>
[CancelAfter(30_000)]
public abstract partial class StorageContract
{
    private readonly ConcurrentQueue<(string Channel, Exception Error)> _handlerErrors = new();

    /// <summary>The provider of the running test.</summary>
    protected IStorageProvider Storage { get; private set; } = null!;

    /// <summary>Cancelled when the test runs too long, so a hang fails instead of blocking the run.</summary>
    protected static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    /// <summary>
    /// Creates a provider isolated from every other test's, reporting change-feed handler errors to <paramref name="onHandlerError"/>
    /// and reading time from <paramref name="clock"/> (the system clock when null).
    /// </summary>
    protected abstract Task<IStorageProvider> CreateProviderAsync(ChangeFeedErrorHandler onHandlerError, TimeProvider? clock = null);

    [SetUp]
    public async Task CreateStorage()
    {
        _handlerErrors.Clear();
        Storage = await CreateProviderAsync(ReportHandlerError);
    }

    [TearDown]
    public async Task DisposeStorage()
    {
        try
        {
            await AssertNothingLeakedAsync();
        }
        finally
        {
            await Storage.DisposeAsync();
        }

        // Hygiene: a handler error nobody expected fails the test.
        Assert.That(_handlerErrors, Is.Empty, "unexpected change-feed handler errors");
    }

    /// <summary>Runs after the test, before its provider is disposed: a fixture checks there that the test released what it took.</summary>
    protected virtual Task AssertNothingLeakedAsync() => Task.CompletedTask;

    /// <summary>Takes the handler errors reported so far (tests that provoke one assert on it).</summary>
    protected List<(string Channel, Exception Error)> DrainHandlerErrors()
    {
        var drained = new List<(string, Exception)>();
        while (_handlerErrors.TryDequeue(out var error))
        {
            drained.Add(error);
        }

        return drained;
    }

    /// <summary>The error sink passed to providers created by a test itself.</summary>
    protected void ReportHandlerError(string channel, Exception error) => _handlerErrors.Enqueue((channel, error));

    protected static string NewId(string prefix = "id") => $"{prefix}-{Guid.NewGuid():N}";

    [Test]
    public async Task A_cancelled_token_stops_every_kind_of_operation()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var token = cancelled.Token;

        Assert.That(async () => await Storage.Documents.GetAsync("users", "a", token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(async () => await Storage.Documents.CreateAsync("users", "a", "{}", null, token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(async () => await Storage.Sessions.AddAsync(new SessionRecord("t", "u", null, "{}"), token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(async () => await Storage.Counters.IncrementAsync("k", TimeSpan.FromMinutes(1), token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(async () => await Storage.ChangeFeed.PublishAsync("ch", "x"u8.ToArray(), token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(async () => await Storage.ChangeFeed.SubscribeAsync("ch", _ => ValueTask.CompletedTask, token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(await Storage.Documents.GetAsync("users", "a", Ct), Is.Null);
    }

    [Test]
    public async Task Ping_answers()
    {
        var latency = await Storage.PingAsync(Ct);
        Assert.That(latency, Is.GreaterThanOrEqualTo(TimeSpan.Zero));
    }
}

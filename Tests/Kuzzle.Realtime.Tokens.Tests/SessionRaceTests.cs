using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Storage;
using Kuzzle.Realtime.Storage.Tests;

namespace Kuzzle.Realtime.Tokens.Tests;

/// <summary>
/// Races between a session check and a revocation, and between two refreshes of one token, made deterministic by holding the
/// store's session reads on a gate (the real embedded store underneath).
/// </summary>
[TestFixture]
public sealed class SessionRaceTests
{
    private string _directory = "";
    private EmbeddedStorage _inner = null!;
    private GatedStore _store = null!;
    private TokenService _tokens = null!;

    [SetUp]
    public async Task Open()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"kuzzle-token-races-{Guid.NewGuid():N}");
        _inner = await EmbeddedStorage.OpenAsync(_directory, EmbeddedStorageOptions.Default, CancellationToken.None);
        _store = new GatedStore(_inner);
        _tokens = await TokenService.CreateAsync(new TokenOptions(), _store, TimeProvider.System, CancellationToken.None);
    }

    [TearDown]
    public async Task Close()
    {
        await _tokens.DisposeAsync();
        await _store.DisposeAsync();
        await _inner.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task A_check_that_read_the_session_before_its_revocation_does_not_cache_it()
    {
        var token = await _tokens.CreateAsync("alice", null);
        var gate = _store.Sessions.HoldNextReads(1);
        var check = _tokens.VerifyAsync(token.Token).AsTask();
        await gate.Arrived; // the session was read: the check holds a live copy

        await _tokens.RevokeAsync(token);
        gate.Release();
        await check; // it raced the revocation and may answer as it read

        Assert.That(_tokens.CachedSessions, Is.Zero, "the revoked session was not put back in the cache");
        var after = await Assert.ThrowsAsync<KuzzleException>(async () => await _tokens.VerifyAsync(token.Token));
        Assert.That(after!.Definition!.Id, Is.EqualTo("security.token.invalid"));
    }

    [Test]
    public async Task Two_concurrent_refreshes_of_one_token_give_one_new_token()
    {
        var token = await _tokens.CreateAsync("alice", null);
        var gate = _store.Sessions.HoldNextReads(2);
        var first = _tokens.RefreshAsync(token, null).AsTask();
        var second = _tokens.RefreshAsync(token, null).AsTask();
        await gate.Arrived; // both read the session before either wrote
        gate.Release();

        var outcomes = await Task.WhenAll(Outcome(first), Outcome(second));
        Assert.That(outcomes.Count(o => o == "ok"), Is.EqualTo(1), string.Join(", ", outcomes));
        Assert.That(outcomes.Count(o => o == "security.token.invalid"), Is.EqualTo(1), string.Join(", ", outcomes));
    }

    private static async Task<string> Outcome(Task<AuthToken> refresh)
    {
        try
        {
            await refresh;
            return "ok";
        }
        catch (KuzzleException e)
        {
            return e.Definition?.Id ?? e.Message;
        }
    }

    /// <summary>The real store, whose session reads can be held until a test lets them go.</summary>
    private sealed class GatedStore(IStorageProvider inner) : IStorageProvider
    {
        public string Name => inner.Name;

        public IDocumentStore Documents => inner.Documents;

        public GatedSessions Sessions { get; } = new(inner.Sessions);

        ISessionStore IStorageProvider.Sessions => Sessions;

        public ICounterStore Counters => inner.Counters;

        public IChangeFeed ChangeFeed => inner.ChangeFeed;

        public Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default) => inner.PingAsync(cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask; // The test disposes the inner store.
    }

    private sealed class GatedSessions(ISessionStore inner) : ISessionStore
    {
        private ReadGate? _gate;

        public ReadGate HoldNextReads(int count) => _gate = new ReadGate(count);

        public Task AddAsync(SessionRecord session, CancellationToken cancellationToken = default) => inner.AddAsync(session, cancellationToken);

        public async Task<SessionRecord?> GetAsync(string tokenId, CancellationToken cancellationToken = default)
        {
            var record = await inner.GetAsync(tokenId, cancellationToken);
            if (_gate is { } gate)
            {
                await gate.EnterAsync();
            }

            return record;
        }

        public Task<bool> RemoveAsync(string tokenId, CancellationToken cancellationToken = default) => inner.RemoveAsync(tokenId, cancellationToken);

        public Task<IReadOnlyList<SessionRecord>> ListByUserAsync(string userId, CancellationToken cancellationToken = default) => inner.ListByUserAsync(userId, cancellationToken);

        public Task<IReadOnlyList<string>> RemoveByUserAsync(string userId, CancellationToken cancellationToken = default) => inner.RemoveByUserAsync(userId, cancellationToken);

        public Task<bool> SetExpiryAsync(string tokenId, DateTimeOffset newExpiry, CancellationToken cancellationToken = default) => inner.SetExpiryAsync(tokenId, newExpiry, cancellationToken);
    }

    /// <summary>Holds the first <c>count</c> readers until released; later readers pass.</summary>
    private sealed class ReadGate(int count)
    {
        private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _waiting;

        public Task Arrived => _arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));

        public void Release() => _released.TrySetResult();

        public Task EnterAsync()
        {
            var position = Interlocked.Increment(ref _waiting);
            if (position > count)
            {
                return Task.CompletedTask;
            }

            if (position == count)
            {
                _arrived.TrySetResult();
            }

            return _released.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}

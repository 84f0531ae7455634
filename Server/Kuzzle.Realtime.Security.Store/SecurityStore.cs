using Kuzzle.Realtime.Storage;

namespace Kuzzle.Realtime.Security.Store;

/// <summary>
/// Everything security needs from one storage provider, wired together: repositories, bootstrap, search, mappings and the rights
/// service sharing one change feed.
/// </summary>
public sealed class SecurityStore : IAsyncDisposable
{
    private static readonly TimeSpan SeedRetryDelay = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;
    private Task? _seeding;

    public SecurityStore(
        IStorageProvider storage,
        TimeProvider time,
        IReadOnlyDictionary<string, IReadOnlySet<string>>? knownControllers = null,
        TimeSpan? epochPollInterval = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        Changes = new SecurityChangeFeed(storage);
        Roles = new RoleRepository(storage.Documents, Changes, time, knownControllers);
        Profiles = new ProfileRepository(storage.Documents, Changes, time);
        Users = new UserRepository(storage.Documents, Changes, time);
        Bootstrap = new SecurityBootstrap(Roles, Profiles);
        Mappings = new SecurityMappings(storage.Documents);
        Search = new SecuritySearch(storage.Documents, Mappings, time);
        Rights = new RightsService(Users, Profiles, Roles, Changes, epochPollInterval);
        Rights.StoreRecovered += ct => Bootstrap.SeedAsync(ct);
    }

    public SecurityChangeFeed Changes { get; }

    public RoleRepository Roles { get; }

    public ProfileRepository Profiles { get; }

    public UserRepository Users { get; }

    public SecurityBootstrap Bootstrap { get; }

    public SecuritySearch Search { get; }

    public SecurityMappings Mappings { get; }

    public RightsService Rights { get; }

    /// <summary>Completes when the first seeding attempt that reached the store is done (tests wait on it).</summary>
    public Task Seeded => _seeding ?? Task.CompletedTask;

    /// <summary>
    /// Seeds the built-ins and starts the rights service. A store that does not answer does not stop the node: seeding retries
    /// in the background, and rights fail closed meanwhile.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await Rights.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Bootstrap.SeedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StorageUnavailableException)
        {
            _seeding = RetrySeedAsync(_stopping.Token);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return; // Disposed by its owner and by the container: once is enough.
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_seeding is not null)
        {
            await _seeding.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await Rights.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RetrySeedAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(SeedRetryDelay, cancellationToken).ConfigureAwait(false);
                await Bootstrap.SeedAsync(cancellationToken).ConfigureAwait(false);
                Rights.Clear();
                return;
            }
            catch (StorageUnavailableException)
            {
                // Still down.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

using System.Collections.Concurrent;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Storage;

namespace Kuzzle.Realtime.Security.Store;

/// <summary>
/// kuid → <see cref="UserRights"/> for the funnel, <c>checkRights</c> and <c>getMyRights</c>. Compiled profiles and roles are
/// shared through a <see cref="RightsCache"/>, each user's profile list is cached per kuid, and both are invalidated by every
/// security write on this node (synchronously) and on the others (change feed, plus a periodic epoch check that catches
/// messages lost during a feed outage). A hit allocates nothing and touches no store.
/// </summary>
/// <remarks>
/// WARNING: fail closed. When the store cannot be read, the caller gets <c>services.cache.not_connected</c>, never rights.
/// </remarks>
public sealed class RightsService : IAsyncDisposable
{
    private const int MaxCachedUsers = 50_000;

    private readonly UserRepository _users;
    private readonly ProfileRepository _profiles;
    private readonly RoleRepository _roles;
    private readonly SecurityChangeFeed _changes;
    private readonly TimeSpan _epochPollInterval;
    private readonly RightsCache _cache = new();
    private readonly ConcurrentDictionary<string, CachedUser> _byUser = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;
    private readonly Func<string, CancellationToken, ValueTask<Profile?>> _loadProfile;
    private readonly Func<string, CancellationToken, ValueTask<Role?>> _loadRole;

    // A user write bumps the generation and drops the user's entry atomically; a load caches its result only if no user write
    // happened since it started (checked and stored under the same lock). The hit path takes no lock.
    private readonly Lock _userWrites = new();
    private long _userGeneration;
    private IAsyncDisposable? _subscription;
    private Task? _pollLoop;
    private string? _lastEpoch;

    public RightsService(UserRepository users, ProfileRepository profiles, RoleRepository roles, SecurityChangeFeed changes, TimeSpan? epochPollInterval = null)
    {
        _users = users;
        _profiles = profiles;
        _roles = roles;
        _changes = changes;
        _epochPollInterval = epochPollInterval ?? TimeSpan.FromSeconds(2);
        _loadProfile = (id, ct) => _profiles.LoadAsync(id, ct);
        _loadRole = (id, ct) => _roles.LoadAsync(id, ct);
        changes.Listen(Invalidate);
    }

    /// <summary>Raised when the epoch check saw the store come back after an outage (the host re-runs bootstrap seeding).</summary>
    public event Func<CancellationToken, Task>? StoreRecovered;

    /// <summary>Raised when an epoch check fails (the store is down, or something unexpected): the host logs it.</summary>
    public event Action<Exception>? PollFailed;

    /// <summary>Number of users whose rights are cached.</summary>
    public int CachedUsers => _byUser.Count;

    /// <summary>Subscribes to other nodes' invalidations and starts the epoch check. A store that is down does not stop the start.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            _subscription = await _changes.SubscribeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StorageUnavailableException)
        {
            // The poll loop below subscribes once the store answers.
        }

        _pollLoop = PollAsync(_stopping.Token);
    }

    /// <summary>
    /// The rights of <paramref name="kuid"/> (anonymous: <c>-1</c>). Unknown user ⇒ 404 <c>security.user.not_found</c>; missing
    /// profile or role ⇒ <c>security.profile.not_found</c> / <c>cannot_hydrate</c>; store down ⇒ <c>services.cache.not_connected</c>.
    /// </summary>
    public ValueTask<UserRights> GetUserRightsAsync(string kuid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kuid);
        return _byUser.TryGetValue(kuid, out var cached) && _cache.IsCurrent(cached.Rights)
            ? ValueTask.FromResult(cached.Rights)
            : LoadUserRightsAsync(kuid, cancellationToken);
    }

    /// <summary>A profile's compiled rights (getProfileRights); 404 when the profile does not exist.</summary>
    public async ValueTask<CompiledRights> GetProfileRightsAsync(string profileId, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _cache.GetAsync(profileId, _loadProfile, _loadRole, cancellationToken).ConfigureAwait(false);
        }
        catch (SecurityValidationException e)
        {
            throw SecurityErrors.From(e);
        }
        catch (StorageUnavailableException e)
        {
            throw SecurityErrors.Unavailable(e);
        }
    }

    /// <summary>Drops everything cached (also done on any security reset).</summary>
    public void Clear()
    {
        lock (_userWrites)
        {
            _userGeneration++;
            _byUser.Clear();
        }

        _cache.Clear();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return; // Disposed by its owner and by the container: once is enough.
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_pollLoop is not null)
        {
            await _pollLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_subscription is not null)
        {
            await _subscription.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async ValueTask<UserRights> LoadUserRightsAsync(string kuid, CancellationToken cancellationToken)
    {
        // Read before the cached profile list and the user: a user write from now on makes the result unfit for the cache.
        var userGeneration = Volatile.Read(ref _userGeneration);
        try
        {
            IReadOnlyList<string> profileIds;
            if (_byUser.TryGetValue(kuid, out var cached))
            {
                profileIds = cached.ProfileIds; // Only the compiled profiles are stale: the user did not change.
            }
            else
            {
                var user = await _users.LoadAsync(kuid, cancellationToken).ConfigureAwait(false)
                    ?? throw KuzzleErrors.Security.User.NotFound.Create(kuid);
                profileIds = user.ProfileIds;
            }

            var rights = await _cache.GetUserRightsAsync(kuid, profileIds, _loadProfile, _loadRole, cancellationToken).ConfigureAwait(false);
            lock (_userWrites)
            {
                if (_userGeneration == userGeneration)
                {
                    if (_byUser.Count >= MaxCachedUsers)
                    {
                        _byUser.Clear(); // Bounded: idle users are cheap to reload.
                    }

                    _byUser[kuid] = new CachedUser(profileIds, rights);
                }
            }

            return rights;
        }
        catch (SecurityValidationException e)
        {
            throw SecurityErrors.From(e);
        }
        catch (StorageUnavailableException e)
        {
            throw SecurityErrors.Unavailable(e);
        }
    }

    private void Invalidate(SecurityChange change)
    {
        switch (change.Kind)
        {
            case SecurityChangeKind.Role:
                _cache.InvalidateRole(change.Id);
                break;
            case SecurityChangeKind.Profile:
                _cache.InvalidateProfile(change.Id);
                break;
            case SecurityChangeKind.User:
                lock (_userWrites)
                {
                    _userGeneration++;
                    _byUser.TryRemove(change.Id, out _);
                }

                break;
            default:
                Clear();
                break;
        }
    }

    // Messages published while this node could not hear the feed are lost: the shared epoch changes with every write, so a
    // different epoch (or a store that just came back) means "forget everything".
    private async Task PollAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_epochPollInterval);
        var failed = false;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    var epoch = await _changes.ReadEpochAsync(cancellationToken).ConfigureAwait(false);
                    _subscription ??= await _changes.SubscribeAsync(cancellationToken).ConfigureAwait(false);
                    if (failed)
                    {
                        failed = false;
                        if (StoreRecovered is { } recovered)
                        {
                            await recovered(cancellationToken).ConfigureAwait(false);
                        }

                        Clear();
                    }
                    else if (epoch != _lastEpoch && _lastEpoch is not null)
                    {
                        Clear();
                    }

                    _lastEpoch = epoch;
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // Any failure (an outage, or a reseed that threw) is treated as an outage: the loop must outlive it, since it is
                    // what catches invalidations the feed lost, and everything is forgotten once a poll succeeds again.
                    if (!failed)
                    {
                        PollFailed?.Invoke(e);
                    }

                    failed = true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private sealed record CachedUser(IReadOnlyList<string> ProfileIds, UserRights Rights);
}

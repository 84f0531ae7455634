using System.Collections.Concurrent;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Server.Api;
using Kuzzle.Realtime.Server.Configuration;
using Kuzzle.Realtime.Server.Network.WebSockets;
using Kuzzle.Realtime.Server.Storage;
using Kuzzle.Realtime.Security.Store;
using Kuzzle.Realtime.Storage;

namespace Kuzzle.Realtime.Server.Security;

/// <summary>
/// Login abuse limits: Kuzzle's <c>limits.loginsPerSecond</c> per connection, plus failed logins counted in the shared counter
/// store (so every connection and, with Redis, every node adds to the same count): per client address, and per (account,
/// address) pair, each answering 429 <c>api.process.too_many_logins_requests</c> before any password is checked once over its
/// limit. A stranger's failures therefore never lock an account for its owner; past a much higher count of failures on the
/// account from all addresses, each attempt on it waits, longer and longer (OWASP: throttle, do not lock).
/// </summary>
public sealed class LoginThrottle
{
    private readonly ConcurrentDictionary<string, Window> _perConnection = new(StringComparer.Ordinal);
    private readonly ICounterStore _counters;
    private readonly LoginThrottleOptions _options;
    private readonly int _loginsPerSecond;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;

    /// <summary>Creates the throttle over the shared counters.</summary>
    public LoginThrottle(ServerStorage storage, EffectiveSettings settings, ConnectionRegistry connections, TimeProvider time)
    {
        _time = time;
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(connections);
        _counters = storage.Shared.Counters;
        _options = settings.Options.Security.LoginThrottle;
        _loginsPerSecond = settings.Options.Limits.LoginsPerSecond;
        _window = TimeSpan.FromMilliseconds(_options.Window);
        connections.Disconnected += c => _perConnection.TryRemove(c.Id, out _);
    }

    /// <summary>Refuses the attempt when this connection, this account or this address is over its limit.</summary>
    /// <param name="connection">Where the attempt comes from.</param>
    /// <param name="account">The account it is for, if known.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <param name="isLogin">False for other password proofs (a current password): Kuzzle's logins-per-second does not apply.</param>
    public async ValueTask CheckAsync(IConnectionInfo connection, string? account, CancellationToken cancellationToken, bool isLogin = true)
    {
        ArgumentNullException.ThrowIfNull(connection);

        // Every HTTP request is its own connection (as in Kuzzle): the per-connection limit only binds persistent sockets.
        if (isLogin && connection.IsPersistent && !TryCountConnectionLogin(connection.Id))
        {
            throw KuzzleErrors.Api.Process.TooManyLoginsRequests.Create();
        }

        if (_options.MaxFailuresPerAddress > 0
            && await ReadAsync(AddressKey(connection.RemoteAddress), cancellationToken) >= _options.MaxFailuresPerAddress)
        {
            throw KuzzleErrors.Api.Process.TooManyLoginsRequests.Create();
        }

        if (account is null)
        {
            return;
        }

        if (_options.MaxFailuresPerAccount > 0
            && await ReadAsync(PairKey(account, connection.RemoteAddress), cancellationToken) >= _options.MaxFailuresPerAccount)
        {
            throw KuzzleErrors.Api.Process.TooManyLoginsRequests.Create();
        }

        if (_options.AccountDelayAfter > 0
            && AccountDelay(await ReadAsync(AccountKey(account), cancellationToken), _options.AccountDelayAfter, _options.MaxAccountDelay) is { } delay
            && delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _time, cancellationToken);
        }
    }

    /// <summary>The wait of an attempt on an account with <paramref name="failures"/> failures: from 100 ms, doubling, capped.</summary>
    public static TimeSpan AccountDelay(long failures, int delayAfter, int maxDelayMs)
    {
        if (failures < delayAfter)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(failures - delayAfter, 20);
        return TimeSpan.FromMilliseconds(Math.Min(100L << (int)doublings, maxDelayMs));
    }

    /// <summary>Counts a failed attempt against the address, the (account, address) pair and the account.</summary>
    public async ValueTask RecordFailureAsync(IConnectionInfo connection, string? account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await SecurityErrors.GuardAsync(_counters.IncrementAsync(AddressKey(connection.RemoteAddress), _window, cancellationToken));
        if (account is not null)
        {
            await SecurityErrors.GuardAsync(_counters.IncrementAsync(PairKey(account, connection.RemoteAddress), _window, cancellationToken));
            await SecurityErrors.GuardAsync(_counters.IncrementAsync(AccountKey(account), _window, cancellationToken));
        }
    }

    /// <summary>
    /// A successful login clears the account's failures from this address and its delay (not the address's failures: one good
    /// password must not unlock guessing other accounts).
    /// </summary>
    public async ValueTask RecordSuccessAsync(IConnectionInfo connection, string? account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (account is not null)
        {
            await SecurityErrors.GuardAsync(_counters.ResetAsync(PairKey(account, connection.RemoteAddress), cancellationToken));
            await SecurityErrors.GuardAsync(_counters.ResetAsync(AccountKey(account), cancellationToken));
        }
    }

    private static string AddressKey(string address) => "login-failures/address/" + address;

    // The address goes first: an account name may contain anything, an address no '/'.
    private static string PairKey(string account, string address) => "login-failures/pair/" + address + "/" + account;

    private static string AccountKey(string account) => "login-failures/account/" + account;

    // Fail closed: without the counters, a password-guessing limit cannot be enforced.
    private async ValueTask<long> ReadAsync(string key, CancellationToken cancellationToken) =>
        await SecurityErrors.GuardAsync(_counters.GetAsync(key, cancellationToken));

    private bool TryCountConnectionLogin(string connectionId)
    {
        var second = Environment.TickCount64 / 1000;
        while (true)
        {
            var current = _perConnection.GetOrAdd(connectionId, static (_, s) => new Window(s, 0), second);
            var next = current.Second == second ? current with { Count = current.Count + 1 } : new Window(second, 1);
            if (next.Count > _loginsPerSecond)
            {
                return false;
            }

            if (_perConnection.TryUpdate(connectionId, next, current))
            {
                return true;
            }
        }
    }

    private sealed record Window(long Second, int Count);
}

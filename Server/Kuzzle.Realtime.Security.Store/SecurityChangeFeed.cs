using System.Text;
using Kuzzle.Realtime.Storage;

namespace Kuzzle.Realtime.Security.Store;

/// <summary>What changed: a role, a profile, a user, or everything (security reset).</summary>
public enum SecurityChangeKind
{
    Role,
    Profile,
    User,
    All,
}

/// <summary>One security write, as announced to every node.</summary>
public readonly record struct SecurityChange(SecurityChangeKind Kind, string Id)
{
    internal string Encode() => Kind switch
    {
        SecurityChangeKind.Role => "r:" + Id,
        SecurityChangeKind.Profile => "p:" + Id,
        SecurityChangeKind.User => "u:" + Id,
        _ => "*",
    };

    internal static SecurityChange? Decode(string text) =>
        text.Length < 2 ? (text == "*" ? new SecurityChange(SecurityChangeKind.All, "") : null)
        : text[..2] switch
        {
            "r:" => new SecurityChange(SecurityChangeKind.Role, text[2..]),
            "p:" => new SecurityChange(SecurityChangeKind.Profile, text[2..]),
            "u:" => new SecurityChange(SecurityChangeKind.User, text[2..]),
            _ => null,
        };
}

/// <summary>
/// Announces security writes: first to this node's listeners (so the next request here already sees the change), then to
/// every node through the change feed (channel <see cref="Channel"/>), and bumps the shared epoch document so a node that
/// missed messages (feed outage) notices on its next poll.
/// </summary>
public sealed class SecurityChangeFeed
{
    /// <summary>The change-feed channel carrying invalidations.</summary>
    public const string Channel = "security-invalidation";

    internal const string EpochId = "epoch";

    private readonly IStorageProvider _storage;
    private readonly List<Action<SecurityChange>> _listeners = [];

    public SecurityChangeFeed(IStorageProvider storage) => _storage = storage;

    /// <summary>Adds a listener called for local and remote changes (possibly twice for a local one: listeners are idempotent).</summary>
    public void Listen(Action<SecurityChange> listener)
    {
        lock (_listeners)
        {
            _listeners.Add(listener);
        }
    }

    /// <summary>Subscribes to the other nodes' changes; dispose the result to stop.</summary>
    public Task<IAsyncDisposable> SubscribeAsync(CancellationToken cancellationToken) =>
        _storage.ChangeFeed.SubscribeAsync(Channel, payload =>
        {
            if (SecurityChange.Decode(Encoding.UTF8.GetString(payload.Span)) is { } change)
            {
                Dispatch(change);
            }

            return ValueTask.CompletedTask;
        }, cancellationToken);

    /// <summary>Applies the change locally, then tells the other nodes. Call after the write is readable from storage.</summary>
    public async Task PublishAsync(SecurityChange change, CancellationToken cancellationToken = default)
    {
        Dispatch(change);
        await _storage.Documents.ReplaceAsync(
            SecurityCollections.State, EpochId, $$"""{"epoch":"{{Guid.NewGuid():N}}"}""", cancellationToken: cancellationToken).ConfigureAwait(false);
        await _storage.ChangeFeed.PublishAsync(Channel, Encoding.UTF8.GetBytes(change.Encode()), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The current shared epoch (changes with every security write on any node); null before the first write.</summary>
    public async Task<string?> ReadEpochAsync(CancellationToken cancellationToken) =>
        (await _storage.Documents.GetAsync(SecurityCollections.State, EpochId, cancellationToken).ConfigureAwait(false))?.Json;

    internal void Dispatch(SecurityChange change)
    {
        Action<SecurityChange>[] listeners;
        lock (_listeners)
        {
            listeners = [.. _listeners];
        }

        foreach (var listener in listeners)
        {
            listener(change);
        }
    }
}

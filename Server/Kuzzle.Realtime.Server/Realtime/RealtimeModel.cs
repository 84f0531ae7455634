using System.Collections.Immutable;
using System.Text.Json;

namespace Kuzzle.Realtime.Server.Realtime;

/// <summary>Which notifications a channel receives (realtime.md §1).</summary>
public enum NotificationScope
{
    /// <summary>Documents entering and leaving.</summary>
    All,

    /// <summary>Documents entering (and publishes).</summary>
    In,

    /// <summary>Documents leaving.</summary>
    Out,

    /// <summary>No document notification.</summary>
    None,
}

/// <summary>A delivery configuration of a room: name <c>&lt;roomId&gt;-&lt;users&gt;&lt;propagate&gt;&lt;scope&gt;</c>.</summary>
public sealed class Channel
{
    /// <summary>Creates a channel.</summary>
    public Channel(string roomId, NotificationScope scope, NotificationScope users, bool propagate)
    {
        Scope = scope;
        Users = users;
        Propagate = propagate;
        Name = roomId + "-" + Code(users, propagate, scope);
    }

    /// <summary>Channel name, the <c>room</c> of its notifications.</summary>
    public string Name { get; }

    /// <summary>Document notification scope.</summary>
    public NotificationScope Scope { get; }

    /// <summary>User notification scope.</summary>
    public NotificationScope Users { get; }

    /// <summary>Whether notifications from other nodes are delivered.</summary>
    public bool Propagate { get; }

    /// <summary>Connections in this channel (copy on write: publishers read it without a lock).</summary>
    public ImmutableArray<string> Connections { get; set; } = [];

    /// <summary>True when the channel takes a document notification of this scope.</summary>
    public bool Accepts(NotificationScope documentScope) => Scope == NotificationScope.All || Scope == documentScope;

    /// <summary>True when the channel takes a user notification of this direction.</summary>
    public bool AcceptsUsers(NotificationScope direction) => Users == NotificationScope.All || Users == direction;

    // users digit: all 1, in 2, out/none 3; propagate: 1/2; scope: all 1, in 2, out 3, none nothing (realtime.md §1).
    private static string Code(NotificationScope users, bool propagate, NotificationScope scope) =>
        (users switch { NotificationScope.All => "1", NotificationScope.In => "2", _ => "3" })
        + (propagate ? "1" : "2")
        + (scope switch { NotificationScope.All => "1", NotificationScope.In => "2", NotificationScope.Out => "3", _ => string.Empty });
}

/// <summary>A connection's membership of a room, with the volatile data it subscribed with.</summary>
/// <param name="ConnectionId">The connection.</param>
/// <param name="Volatile">Subscriber's volatile (cloned), or undefined.</param>
public sealed record Subscription(string ConnectionId, JsonElement Volatile);

/// <summary>One (index, collection, normalised filter): shared by every connection whose filter normalises the same.</summary>
public sealed class Room(string id, string index, string collection, string filter = "{}")
{
    /// <summary>The filter's JSON text as first subscribed, so another node can create the same room on <c>join</c>.</summary>
    public string Filter { get; } = filter;

    /// <summary>Room id = Koncorde filter id.</summary>
    public string Id { get; } = id;

    /// <summary>Index.</summary>
    public string Index { get; } = index;

    /// <summary>Collection.</summary>
    public string Collection { get; } = collection;

    /// <summary>Channels by name. WARNING: mutated only under the clerk's lock; readers use <see cref="ChannelList"/>.</summary>
    public Dictionary<string, Channel> Channels { get; } = new(StringComparer.Ordinal);

    /// <summary>Channels snapshot for lock-free fan-out.</summary>
    public ImmutableArray<Channel> ChannelList { get; set; } = [];

    /// <summary>Subscriptions by connection id (mutated under the clerk's lock).</summary>
    public Dictionary<string, Subscription> Subscriptions { get; } = new(StringComparer.Ordinal);
}

using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Client;

/// <summary>Which document notifications a subscription receives.</summary>
public enum SubscriptionScope
{
    /// <summary>Documents entering and leaving the filters' scope.</summary>
    All,

    /// <summary>Documents entering or changing within the scope.</summary>
    In,

    /// <summary>Documents leaving the scope.</summary>
    Out,

    /// <summary>No document notification.</summary>
    None,
}

/// <summary>Which user notifications (subscribers entering or leaving the room) a subscription receives.</summary>
public enum UserEvents
{
    /// <summary>Entering and leaving.</summary>
    All,

    /// <summary>Entering.</summary>
    In,

    /// <summary>Leaving.</summary>
    Out,

    /// <summary>None (the default).</summary>
    None,
}

/// <summary>Options of a subscription (kuzzle-sdk's subscribe options).</summary>
public sealed record SubscribeOptions
{
    /// <summary>The defaults: scope all, no user notifications, own notifications received, re-subscribed after reconnections.</summary>
    public static SubscribeOptions Default { get; } = new();

    /// <summary>Document notifications received.</summary>
    public SubscriptionScope Scope { get; init; } = SubscriptionScope.All;

    /// <summary>User notifications received.</summary>
    public UserEvents Users { get; init; } = UserEvents.None;

    /// <summary>Receive notifications caused by this client's own requests.</summary>
    public bool SubscribeToSelf { get; init; } = true;

    /// <summary>Subscribe again after a reconnection.</summary>
    public bool AutoResubscribe { get; init; } = true;

    /// <summary>Volatile data of this subscriber, sent to others in user notifications.</summary>
    public JsonObject? Volatile { get; init; }
}

internal static class SubscribeOptionsWire
{
    public static string ToWire(this SubscriptionScope scope) => scope switch
    {
        SubscriptionScope.In => "in",
        SubscriptionScope.Out => "out",
        SubscriptionScope.None => "none",
        _ => "all",
    };

    public static string ToWire(this UserEvents users) => users switch
    {
        UserEvents.All => "all",
        UserEvents.In => "in",
        UserEvents.Out => "out",
        _ => "none",
    };
}

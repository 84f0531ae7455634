using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Kuzzle.Realtime.Client.Internal;

/// <summary>
/// The client's subscriptions, keyed by the channel their notifications arrive on. Each subscription buffers its
/// notifications in a bounded channel read by its handler task or its stream, so a slow consumer never delays responses
/// unless its buffer is full.
/// </summary>
internal sealed class SubscriptionRegistry
{
    private readonly KuzzleClient _client;
    private readonly object _lock = new();
    private readonly List<LocalSubscription> _all = [];
    private Dictionary<string, LocalSubscription[]> _byChannel = new(StringComparer.Ordinal);

    public SubscriptionRegistry(KuzzleClient client) => _client = client;

    public bool HasSuspended
    {
        get
        {
            lock (_lock)
            {
                return _all.Exists(s => s.Suspended);
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _all.Count;
            }
        }
    }

    public void Add(LocalSubscription subscription)
    {
        lock (_lock)
        {
            _all.Add(subscription);
            Rebuild();
        }
    }

    public List<LocalSubscription> RemoveRoom(string roomId)
    {
        lock (_lock)
        {
            var removed = _all.FindAll(s => s.RoomId == roomId);
            _all.RemoveAll(s => s.RoomId == roomId);
            Rebuild();
            return removed;
        }
    }

    public bool Remove(LocalSubscription subscription, out bool lastOfRoom)
    {
        lock (_lock)
        {
            var removed = _all.Remove(subscription);
            lastOfRoom = !_all.Exists(s => s.RoomId == subscription.RoomId);
            Rebuild();
            return removed;
        }
    }

    public List<LocalSubscription> Snapshot()
    {
        lock (_lock)
        {
            return [.. _all];
        }
    }

    // Caller holds _lock. Readers take the dictionary reference without locking: it is replaced, never changed.
    private void Rebuild()
    {
        _byChannel = _all.Where(s => !s.Suspended && s.Channel is not null)
            .GroupBy(s => s.Channel!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
    }

    public ValueTask DispatchAsync(string channel, JsonElement frame, CancellationToken cancellationToken)
    {
        if (!Volatile.Read(ref _byChannel).TryGetValue(channel, out var targets))
        {
            return ValueTask.CompletedTask;
        }

        var notification = Notification.From(frame, channel);
        if (targets.Length == 1)
        {
            return targets[0].DeliverAsync(notification, cancellationToken);
        }

        return DispatchManyAsync(targets, notification, cancellationToken);
    }

    private static async ValueTask DispatchManyAsync(LocalSubscription[] targets, Notification notification, CancellationToken cancellationToken)
    {
        foreach (var target in targets)
        {
            await target.DeliverAsync(notification, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The server dropped every subscription (token expired): keep them to subscribe again after the next login.</summary>
    public void SuspendAll()
    {
        lock (_lock)
        {
            foreach (var subscription in _all)
            {
                subscription.Suspended = true;
            }

            Rebuild();
        }
    }

    /// <summary>Subscribes every room again on <paramref name="connection"/> (after a reconnection or a new login).</summary>
    public async Task ResubscribeAllAsync(WebSocketConnection connection, CancellationToken cancellationToken)
    {
        foreach (var subscription in Snapshot())
        {
            if (!subscription.AutoResubscribe && !subscription.Suspended)
            {
                // Not to be subscribed again: the server dropped it with the connection, so it ends here.
                lock (_lock)
                {
                    _all.Remove(subscription);
                    Rebuild();
                }

                subscription.Complete();
                continue;
            }

            try
            {
                await _client.SendDirectAsync(connection, subscription.CreateRequest(), cancellationToken, response => Activate(subscription, response)).ConfigureAwait(false);
            }
            catch (KuzzleException e) when (e.Id is not (ClientErrors.ConnectionLost or ClientErrors.Timeout or ClientErrors.NotConnected))
            {
                // Refused now (rights changed, token expired…): reported, kept suspended for the next login.
                lock (_lock)
                {
                    subscription.Suspended = true;
                    Rebuild();
                }

                _client.ReportBackgroundError(e, $"resubscribe {subscription.Index}/{subscription.Collection}");
            }
        }
    }

    /// <summary>Records the room and channel a subscribe answer names (on the receive loop, before the next message).</summary>
    public void Activate(LocalSubscription subscription, KuzzleResponse response)
    {
        var (roomId, channel) = RoomOf(response);
        lock (_lock)
        {
            subscription.RoomId = roomId;
            subscription.Channel = channel;
            subscription.Suspended = false;
            if (!_all.Contains(subscription))
            {
                _all.Add(subscription);
            }

            Rebuild();
        }
    }

    public static (string RoomId, string Channel) RoomOf(KuzzleResponse response)
    {
        var result = response.Result;
        if (result.ValueKind == JsonValueKind.Object
            && result.TryGetProperty("roomId", out var room) && room.ValueKind == JsonValueKind.String
            && result.TryGetProperty("channel", out var channel) && channel.ValueKind == JsonValueKind.String)
        {
            return (room.GetString()!, channel.GetString()!);
        }

        throw ClientErrors.Create(ClientErrors.BadResponse, 502, "A subscribe answer without roomId or channel: " + response.Raw.GetRawText());
    }

    public void CompleteAll()
    {
        foreach (var subscription in Snapshot())
        {
            subscription.Complete();
        }

        lock (_lock)
        {
            _all.Clear();
            Rebuild();
        }
    }
}

/// <summary>One subscription made through this client: what to send again after a reconnection, and where its
/// notifications go.</summary>
internal sealed class LocalSubscription
{
    private readonly Channel<Notification> _buffer;
    private readonly string? _sdkInstanceIdToSkip;

    public LocalSubscription(string index, string collection, JsonObject filters, SubscribeOptions options, int bufferSize, string sdkInstanceId)
    {
        Index = index;
        Collection = collection;
        Filters = filters;
        Options = options;
        _sdkInstanceIdToSkip = options.SubscribeToSelf ? null : sdkInstanceId;
        _buffer = System.Threading.Channels.Channel.CreateBounded<Notification>(new BoundedChannelOptions(bufferSize)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string Index { get; }

    public string Collection { get; }

    public JsonObject Filters { get; }

    public SubscribeOptions Options { get; }

    public bool AutoResubscribe => Options.AutoResubscribe;

    public string RoomId { get; set; } = "";

    public string? Channel { get; set; }

    public bool Suspended { get; set; }

    public ChannelReader<Notification> Reader => _buffer.Reader;

    public KuzzleRequest CreateRequest() => new("realtime", "subscribe")
    {
        Index = Index,
        Collection = Collection,
        Body = Filters.DeepClone(),
        Volatile = Options.Volatile?.DeepClone() as JsonObject,
        ["scope"] = Options.Scope.ToWire(),
        ["users"] = Options.Users.ToWire(),
    };

    public ValueTask DeliverAsync(Notification notification, CancellationToken cancellationToken)
    {
        if (_sdkInstanceIdToSkip is not null && notification.Type == "document"
            && notification.Volatile.ValueKind == JsonValueKind.Object
            && notification.Volatile.TryGetProperty("sdkInstanceId", out var id) && id.ValueKind == JsonValueKind.String
            && id.ValueEquals(_sdkInstanceIdToSkip))
        {
            return ValueTask.CompletedTask;
        }

        return _buffer.Writer.TryWrite(notification) ? ValueTask.CompletedTask : WriteSlowAsync(notification, cancellationToken);
    }

    private async ValueTask WriteSlowAsync(Notification notification, CancellationToken cancellationToken)
    {
        try
        {
            await _buffer.Writer.WriteAsync(notification, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // Unsubscribed meanwhile.
        }
    }

    public void Complete() => _buffer.Writer.TryComplete();
}

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Kuzzle.Realtime.Client.Internal;

namespace Kuzzle.Realtime.Client.Controllers;

/// <summary>
/// The <c>realtime</c> controller (kuzzle-sdk's <c>kuzzle.realtime</c>): subscriptions (WebSocket only), publish, count.
/// Notifications arrive either through a handler (<see cref="SubscribeAsync(string, string, JsonObject, Func{Notification, Task}, SubscribeOptions?, CancellationToken)"/>)
/// or as an <see cref="IAsyncEnumerable{T}"/> (<see cref="SubscribeStreamAsync"/>). Subscriptions survive reconnections.
/// </summary>
public sealed class RealtimeController : ControllerBase
{
    internal RealtimeController(KuzzleClient client)
        : base(client, "realtime")
    {
    }

    /// <summary>
    /// Subscribes to documents of <paramref name="index"/>/<paramref name="collection"/> matching <paramref name="filters"/>
    /// (Koncorde DSL; <c>{}</c> for all). <paramref name="handler"/> is called once per notification, in order, never
    /// concurrently; its exceptions are reported through <see cref="KuzzleClient.BackgroundError"/>.
    /// </summary>
    /// <returns>The room id (for <see cref="UnsubscribeAsync"/> and <see cref="CountAsync"/>).</returns>
    public async Task<string> SubscribeAsync(string index, string collection, JsonObject filters, Func<Notification, Task> handler, SubscribeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = await OpenAsync(index, collection, filters, options, cancellationToken).ConfigureAwait(false);
        _ = PumpAsync(subscription, handler);
        return subscription.RoomId;
    }

    /// <summary>As the other overload, with a synchronous handler.</summary>
    public Task<string> SubscribeAsync(string index, string collection, JsonObject filters, Action<Notification> handler, SubscribeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return SubscribeAsync(index, collection, filters, notification =>
        {
            handler(notification);
            return Task.CompletedTask;
        }, options, cancellationToken);
    }

    /// <summary>
    /// Subscribes and returns the notifications as a stream: <c>await foreach (var n in stream)</c>. Disposing the stream
    /// unsubscribes (when no other local subscription uses the room).
    /// </summary>
    public async Task<Subscription> SubscribeStreamAsync(string index, string collection, JsonObject filters, SubscribeOptions? options = null, CancellationToken cancellationToken = default)
    {
        var subscription = await OpenAsync(index, collection, filters, options, cancellationToken).ConfigureAwait(false);
        return new Subscription(this, subscription);
    }

    /// <summary>Leaves a room: the server subscription and every local handler or stream of it.</summary>
    public async Task UnsubscribeAsync(string roomId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        var request = Request("unsubscribe");
        request.Body = new JsonObject { ["roomId"] = roomId };
        await QueryAsync(request, cancellationToken).ConfigureAwait(false);
        foreach (var subscription in Client.Subscriptions.RemoveRoom(roomId))
        {
            subscription.Complete();
        }
    }

    /// <summary>Number of connections subscribed to a room (over every node).</summary>
    public async Task<int> CountAsync(string roomId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        var request = Request("count");
        request.Body = new JsonObject { ["roomId"] = roomId };
        var count = await ResultPropertyAsync(request, "count", cancellationToken).ConfigureAwait(false);
        return count.GetInt32();
    }

    /// <summary>Sends a message to the subscribers of <paramref name="index"/>/<paramref name="collection"/> whose filters
    /// match it (nothing is stored).</summary>
    /// <param name="index">Index.</param>
    /// <param name="collection">Collection.</param>
    /// <param name="message">The message (the notifications' <c>_source</c>).</param>
    /// <param name="id">Optional <c>_id</c> given to the message.</param>
    /// <param name="volatileData">Volatile data copied into the notifications.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public Task<bool> PublishAsync(string index, string collection, JsonObject message, string? id = null, JsonObject? volatileData = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(index);
        ArgumentException.ThrowIfNullOrEmpty(collection);
        ArgumentNullException.ThrowIfNull(message);
        var request = Request("publish");
        request.Index = index;
        request.Collection = collection;
        request.Id = id;
        request.Body = message.DeepClone();
        request.Volatile = volatileData?.DeepClone() as JsonObject;
        return ResultBooleanAsync(request, "published", cancellationToken);
    }

    /// <summary>Rooms and subscriber counts per index and collection, limited to what the caller may subscribe to.</summary>
    public Task<JsonElement> ListAsync(CancellationToken cancellationToken = default) => ResultAsync(Request("list"), cancellationToken);

    /// <summary>Local subscriptions (handlers and streams) of this client.</summary>
    public int LocalSubscriptionCount => Client.Subscriptions.Count;

    private async Task<LocalSubscription> OpenAsync(string index, string collection, JsonObject filters, SubscribeOptions? options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(index);
        ArgumentException.ThrowIfNullOrEmpty(collection);
        ArgumentNullException.ThrowIfNull(filters);
        if (Client.IsHttp)
        {
            throw new NotSupportedException("Realtime subscriptions need the WebSocket protocol.");
        }

        var subscription = new LocalSubscription(index, collection, (JsonObject)filters.DeepClone(), options ?? SubscribeOptions.Default,
            Client.Options.NotificationBufferSize, Client.SdkInstanceId);
        var registry = Client.Subscriptions;
        await Client.QueryAsync(subscription.CreateRequest(), null, response => registry.Activate(subscription, response), cancellationToken).ConfigureAwait(false);
        return subscription;
    }

    private async Task PumpAsync(LocalSubscription subscription, Func<Notification, Task> handler)
    {
        await foreach (var notification in subscription.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await handler(notification).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Client.ReportBackgroundError(e, "notification handler");
            }
        }
    }

    internal async ValueTask CloseAsync(LocalSubscription subscription)
    {
        subscription.Complete();
        if (!Client.Subscriptions.Remove(subscription, out var lastOfRoom) || !lastOfRoom || subscription.Suspended)
        {
            return;
        }

        var request = Request("unsubscribe");
        request.Body = new JsonObject { ["roomId"] = subscription.RoomId };
        try
        {
            await Client.QueryAsync(request, new QueryOptions { Queuable = false }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (KuzzleException)
        {
            // Not connected or no longer subscribed on the server: either way nothing is left to undo there.
        }
        catch (ObjectDisposedException)
        {
            // The client is gone and so is the server subscription.
        }
    }
}

/// <summary>One subscription whose notifications are read as an async stream (<c>await foreach</c>). Dispose it to unsubscribe.</summary>
public sealed class Subscription : IAsyncEnumerable<Notification>, IAsyncDisposable
{
    private readonly RealtimeController _controller;
    private readonly LocalSubscription _subscription;
    private int _disposed;

    internal Subscription(RealtimeController controller, LocalSubscription subscription)
    {
        _controller = controller;
        _subscription = subscription;
    }

    /// <summary>Room id (changes only if the server computes another one after a reconnection).</summary>
    public string RoomId => _subscription.RoomId;

    /// <summary>Channel the notifications arrive on.</summary>
    public string? Channel => _subscription.Channel;

    /// <summary>Reads the next notification, waiting for it.</summary>
    public ValueTask<Notification> ReadAsync(CancellationToken cancellationToken = default) => _subscription.Reader.ReadAsync(cancellationToken);

    /// <summary>Reads a notification already received, if any.</summary>
    public bool TryRead(out Notification notification) => _subscription.Reader.TryRead(out notification!);

    /// <inheritdoc />
    public IAsyncEnumerator<Notification> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        _subscription.Reader.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _disposed, 1) == 0 ? _controller.CloseAsync(_subscription) : ValueTask.CompletedTask;
}

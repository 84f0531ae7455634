using System.Text;
using System.Threading.Channels;

namespace Kuzzle.Realtime.Storage.Tests.Contract;

// Change feed: delivery, ordering, isolation between channels, unsubscription, handler failures.
public abstract partial class StorageContract
{
    private IChangeFeed Feed => Storage.ChangeFeed;

    [Test]
    public async Task Subscribers_receive_every_message_of_their_channel_in_order()
    {
        var first = Channel.CreateUnbounded<string>();
        var second = Channel.CreateUnbounded<string>();
        var other = Channel.CreateUnbounded<string>();
        await using var a = await Feed.SubscribeAsync("token-revoked", Collect(first), Ct);
        await using var b = await Feed.SubscribeAsync("token-revoked", Collect(second), Ct);
        await using var c = await Feed.SubscribeAsync("role-changed", Collect(other), Ct);

        var buffer = new byte[16];
        for (var i = 0; i < 20; i++)
        {
            // The same buffer is reused on purpose: the feed must copy what it publishes.
            var length = Encoding.UTF8.GetBytes($"m{i}", buffer);
            await Feed.PublishAsync("token-revoked", buffer.AsMemory(0, length), Ct);
        }

        await Feed.PublishAsync("role-changed", "admin"u8.ToArray(), Ct);

        var expected = Enumerable.Range(0, 20).Select(i => $"m{i}").ToList();
        Assert.That(await TakeAsync(first, 20), Is.EqualTo(expected));
        Assert.That(await TakeAsync(second, 20), Is.EqualTo(expected));
        Assert.That(await TakeAsync(other, 1), Is.EqualTo(new[] { "admin" }));
        Assert.That(first.Reader.TryRead(out _), Is.False);
    }

    [Test]
    public async Task A_disposed_subscription_receives_nothing_more()
    {
        var gone = Channel.CreateUnbounded<string>();
        var staying = Channel.CreateUnbounded<string>();
        var subscription = await Feed.SubscribeAsync("ch", Collect(gone), Ct);
        await using var sentinel = await Feed.SubscribeAsync("ch", Collect(staying), Ct);

        await Feed.PublishAsync("ch", "before"u8.ToArray(), Ct);
        Assert.That(await TakeAsync(gone, 1), Is.EqualTo(new[] { "before" }));
        await subscription.DisposeAsync();
        await Feed.PublishAsync("ch", "after"u8.ToArray(), Ct);

        // Once the sentinel has both messages, "after" was delivered wherever it was going to be.
        Assert.That(await TakeAsync(staying, 2), Is.EqualTo(new[] { "before", "after" }));
        Assert.That(gone.Reader.TryRead(out _), Is.False);
    }

    [Test]
    public async Task A_failing_handler_is_reported_and_keeps_its_subscription()
    {
        var received = Channel.CreateUnbounded<string>();
        await using var subscription = await Feed.SubscribeAsync(
            "ch",
            async payload =>
            {
                var text = Encoding.UTF8.GetString(payload.Span);
                await received.Writer.WriteAsync(text, Ct);
                if (text == "boom")
                {
                    throw new InvalidOperationException("handler failure");
                }
            },
            Ct);

        await Feed.PublishAsync("ch", "boom"u8.ToArray(), Ct);
        await Feed.PublishAsync("ch", "fine"u8.ToArray(), Ct);

        Assert.That(await TakeAsync(received, 2), Is.EqualTo(new[] { "boom", "fine" }));
        var errors = DrainHandlerErrors();
        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0].Channel, Is.EqualTo("ch"));
        Assert.That(errors[0].Error.Message, Is.EqualTo("handler failure"));
    }

    [Test]
    public async Task A_handler_may_dispose_its_own_subscription()
    {
        var selfDisposing = Channel.CreateUnbounded<string>();
        var sentinel = Channel.CreateUnbounded<string>();
        IAsyncDisposable? own = null;
        var subscribed = new TaskCompletionSource();
        own = await Feed.SubscribeAsync(
            "ch",
            async payload =>
            {
                await subscribed.Task;
                await selfDisposing.Writer.WriteAsync(Encoding.UTF8.GetString(payload.Span), Ct);
                await own!.DisposeAsync();
            },
            Ct);
        subscribed.SetResult();
        await using var other = await Feed.SubscribeAsync("ch", Collect(sentinel), Ct);

        await Feed.PublishAsync("ch", "first"u8.ToArray(), Ct);
        await Feed.PublishAsync("ch", "second"u8.ToArray(), Ct);

        Assert.That(await TakeAsync(sentinel, 2), Is.EqualTo(new[] { "first", "second" }));
        Assert.That(await TakeAsync(selfDisposing, 1), Is.EqualTo(new[] { "first" }));
        Assert.That(selfDisposing.Reader.TryRead(out _), Is.False);
        await own.DisposeAsync();
    }

    [Test]
    public async Task Leaving_and_rejoining_a_channel_keeps_delivery_working()
    {
        for (var round = 0; round < 20; round++)
        {
            var received = Channel.CreateUnbounded<string>();
            var leaving = await Feed.SubscribeAsync("churn", _ => ValueTask.CompletedTask, Ct);
            var leavingTask = leaving.DisposeAsync().AsTask();
            await using var joining = await Feed.SubscribeAsync("churn", Collect(received), Ct);
            await leavingTask;

            await Feed.PublishAsync("churn", Encoding.UTF8.GetBytes($"round {round}"), Ct);

            Assert.That(await TakeAsync(received, 1), Is.EqualTo(new[] { $"round {round}" }));
        }
    }

    [Test]
    public async Task Publishing_without_subscribers_is_harmless()
    {
        await Feed.PublishAsync("nobody-listens", "x"u8.ToArray(), Ct);
        await Feed.PublishAsync("nobody-listens", ReadOnlyMemory<byte>.Empty, Ct);

        var received = Channel.CreateUnbounded<string>();
        await using var subscription = await Feed.SubscribeAsync("nobody-listens", Collect(received), Ct);
        await Feed.PublishAsync("nobody-listens", ReadOnlyMemory<byte>.Empty, Ct);

        Assert.That(await TakeAsync(received, 1), Is.EqualTo(new[] { "" }));
    }

    protected static Func<ReadOnlyMemory<byte>, ValueTask> Collect(Channel<string> sink)
        => payload => sink.Writer.WriteAsync(Encoding.UTF8.GetString(payload.Span), Ct);

    protected static async Task<List<string>> TakeAsync(Channel<string> source, int count)
    {
        var taken = new List<string>(count);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        while (taken.Count < count)
        {
            taken.Add(await source.Reader.ReadAsync(timeout.Token));
        }

        return taken;
    }
}

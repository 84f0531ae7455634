using System.Buffers.Text;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using Kuzzle.Realtime.Bench.Load;
using Kuzzle.Realtime.Bench.Procfs;

namespace Kuzzle.Realtime.Bench.Fanout;

/// <summary>What one fan-out round measured.</summary>
/// <param name="Subscribers">Subscribed sockets.</param>
/// <param name="Messages">Publishes made.</param>
/// <param name="Delivered">Notification frames received.</param>
/// <param name="Missing">Frames not received within the timeout.</param>
/// <param name="Seconds">Wall time of the publishing phase.</param>
/// <param name="CpuSeconds">CPU the server processes used meanwhile (all of them).</param>
/// <param name="Latency">Publish → delivery latencies (µs).</param>
public sealed record FanoutResult(int Subscribers, int Messages, long Delivered, long Missing, double Seconds, double CpuSeconds, LatencyHistogram Latency)
{
    /// <summary>Delivered frames per wall second.</summary>
    public double FramesPerSecond => Seconds > 0 ? Delivered / Seconds : 0;
}

/// <summary>
/// One fan-out round: N sockets subscribe (on one server), one publisher (on the same or another server) publishes M messages one
/// after the other, each waiting until every subscriber received it (or the timeout), so latency is not queueing behind earlier
/// messages.
/// </summary>
public static class FanoutRound
{
    private static readonly byte[] SeqKey = "\"seq\":"u8.ToArray();

    /// <param name="subscribeUrl">Server the subscribers connect to.</param>
    /// <param name="publishUrl">Server the publisher connects to.</param>
    /// <param name="collection">Collection of the round (distinct per round, so rounds do not hear each other).</param>
    /// <param name="subscribers">Subscriber sockets.</param>
    /// <param name="messages">Publishes.</param>
    /// <param name="ramp">Sockets connected at a time.</param>
    /// <param name="timeout">Per connection and per message.</param>
    /// <param name="serverPids">Processes whose CPU is counted.</param>
    /// <param name="cancellationToken">Stops the round.</param>
    public static async Task<FanoutResult> RunAsync(
        Uri subscribeUrl, Uri publishUrl, string collection, int subscribers, int messages, int ramp, TimeSpan timeout,
        IReadOnlyList<int> serverPids, CancellationToken cancellationToken)
    {
        var sockets = new ClientWebSocket[subscribers];
        var histogram = new LatencyHistogram();
        var sentAt = new long[messages];
        var received = new int[messages];
        long delivered = 0;
        var subscribe = Encoding.UTF8.GetBytes(
            $$"""{"controller":"realtime","action":"subscribe","index":"bench","collection":"{{collection}}","body":{},"requestId":"sub"}""");

        for (var start = 0; start < subscribers; start += ramp)
        {
            var batch = Enumerable.Range(start, Math.Min(ramp, subscribers - start)).Select(async i =>
            {
                sockets[i] = await WebSocketConnector.ConnectAsync(subscribeUrl, timeout, cancellationToken);
                await sockets[i].SendAsync(subscribe, WebSocketMessageType.Text, true, cancellationToken);
                var buffer = new byte[4096];
                var r = await sockets[i].ReceiveAsync(buffer, cancellationToken);
                if (r.Count == 0 || buffer.AsSpan(0, r.Count).IndexOf("\"status\":200"u8) < 0)
                {
                    throw new InvalidOperationException("subscribe failed: " + Encoding.UTF8.GetString(buffer, 0, r.Count));
                }
            });
            await Task.WhenAll(batch);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var readers = sockets.Select(s => ReadAsync(s, sentAt, received, histogram, () => Interlocked.Increment(ref delivered), stop.Token)).ToArray();
        using var publisher = await WebSocketConnector.ConnectAsync(publishUrl, timeout, cancellationToken);

        var cpuBefore = CpuSeconds(serverPids);
        var clock = Stopwatch.StartNew();
        long missing = 0;
        for (var seq = 0; seq < messages; seq++)
        {
            var publish = Encoding.UTF8.GetBytes(
                $$$"""{"controller":"realtime","action":"publish","index":"bench","collection":"{{{collection}}}","requestId":"p{{{seq}}}","body":{"seq":{{{seq}}},"payload":"0123456789abcdef0123456789abcdef"}}""");
            Volatile.Write(ref sentAt[seq], Stopwatch.GetTimestamp());
            await publisher.SendAsync(publish, WebSocketMessageType.Text, true, cancellationToken);
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (Volatile.Read(ref received[seq]) < subscribers && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(1, cancellationToken);
            }

            missing += subscribers - Math.Min(subscribers, Volatile.Read(ref received[seq]));
            Console.Write($"\r  {collection}: message {seq + 1}/{messages}: {received[seq]}/{subscribers} delivered");
        }

        clock.Stop();
        var cpu = CpuSeconds(serverPids) - cpuBefore;
        Console.WriteLine();
        await stop.CancelAsync();
        foreach (var s in sockets)
        {
            s.Abort();
            s.Dispose();
        }

        await Task.WhenAll(readers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));
        return new FanoutResult(subscribers, messages, Interlocked.Read(ref delivered), missing, clock.Elapsed.TotalSeconds, cpu, histogram);
    }

    private static double CpuSeconds(IReadOnlyList<int> pids) => pids.Sum(p => ProcStats.CpuSeconds(p) ?? 0);

    private static Task ReadAsync(
        ClientWebSocket socket, long[] sentAt, int[] received, LatencyHistogram histogram, Action onDelivered, CancellationToken cancellationToken) =>
        FrameReader.ReadAsync(
            socket,
            frame =>
            {
                var now = Stopwatch.GetTimestamp();
                var at = frame.IndexOf(SeqKey);
                if (at < 0 || !Utf8Parser.TryParse(frame[(at + SeqKey.Length)..], out int seq, out _) || seq < 0 || seq >= received.Length)
                {
                    return false;
                }

                Interlocked.Increment(ref received[seq]);
                histogram.Record((long)((now - Volatile.Read(ref sentAt[seq])) * 1_000_000.0 / Stopwatch.Frequency));
                return true;
            },
            onDelivered,
            cancellationToken);
}

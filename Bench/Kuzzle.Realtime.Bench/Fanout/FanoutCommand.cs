using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Kuzzle.Realtime.Bench.Cli;
using Kuzzle.Realtime.Bench.Hosting;
using Kuzzle.Realtime.Bench.Load;
using Kuzzle.Realtime.Bench.Procfs;
using Kuzzle.Realtime.Bench.Report;

namespace Kuzzle.Realtime.Bench.Fanout;

/// <summary>
/// Realtime fan-out: N sockets subscribe to one room, one publisher publishes M messages one after the other (each waits until every
/// subscriber received it), and the run reports delivered frames per second, frames per server CPU-second (per core), and the
/// publish-to-delivery latency percentiles.
/// </summary>
public static class FanoutCommand
{
    private static readonly byte[] SeqKey = "\"seq\":"u8.ToArray();

    public static async Task<int> RunAsync(CommandLine cli, CancellationToken cancellationToken)
    {
        var subscribers = cli.Number("subscribers", 10_000, 1, 9_000 * 2);
        var messages = cli.Number("messages", 50, 1, 10_000);
        var ramp = cli.Number("ramp", 200, 1, 1_000);
        var timeout = TimeSpan.FromSeconds(cli.Seconds("timeout", 30, 1, 600));
        var dll = cli.Text("server-dll");
        cli.EnsureAllRead();

        using var server = await ServerProcess.StartAsync(ServerKind.Kuzzle, dll, cancellationToken);
        Console.WriteLine($"server pid {server.Pid} on {server.Url}; connecting {subscribers} subscribers ({ramp} at a time)");

        var sockets = new ClientWebSocket[subscribers];
        var histogram = new LatencyHistogram();
        var sentAt = new long[messages];
        var received = new int[messages];
        long delivered = 0;
        var subscribe = Encoding.UTF8.GetBytes("""{"controller":"realtime","action":"subscribe","index":"bench","collection":"fanout","body":{},"requestId":"sub"}""");

        for (var start = 0; start < subscribers; start += ramp)
        {
            var batch = Enumerable.Range(start, Math.Min(ramp, subscribers - start)).Select(async i =>
            {
                sockets[i] = await WebSocketConnector.ConnectAsync(server.Url, timeout, cancellationToken);
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
        using var publisher = await WebSocketConnector.ConnectAsync(server.Url, timeout, cancellationToken);

        var cpuBefore = ProcStats.CpuSeconds(server.Pid) ?? 0;
        var clock = Stopwatch.StartNew();
        var errors = 0;
        for (var seq = 0; seq < messages; seq++)
        {
            var publish = Encoding.UTF8.GetBytes(
                $$$"""{"controller":"realtime","action":"publish","index":"bench","collection":"fanout","requestId":"p{{{seq}}}","body":{"seq":{{{seq}}},"payload":"0123456789abcdef0123456789abcdef"}}""");
            Volatile.Write(ref sentAt[seq], Stopwatch.GetTimestamp());
            await publisher.SendAsync(publish, WebSocketMessageType.Text, true, cancellationToken);
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (Volatile.Read(ref received[seq]) < subscribers && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(1, cancellationToken);
            }

            if (Volatile.Read(ref received[seq]) < subscribers)
            {
                errors += subscribers - received[seq];
            }

            Console.Write($"\rmessage {seq + 1}/{messages}: {received[seq]}/{subscribers} delivered");
        }

        clock.Stop();
        var cpu = (ProcStats.CpuSeconds(server.Pid) ?? cpuBefore) - cpuBefore;
        Console.WriteLine();
        await stop.CancelAsync();
        foreach (var s in sockets)
        {
            s.Abort();
            s.Dispose();
        }

        await Task.WhenAll(readers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));

        var seconds = clock.Elapsed.TotalSeconds;
        var table = new TextTable("subscribers", "messages", "delivered", "missing", "frames/s", "server cpu s", "frames per cpu-s", "p50 ms", "p99 ms", "max-p99.9 ms");
        table.Add(
            Invariant(subscribers), Invariant(messages), Invariant(delivered), Invariant(errors),
            (delivered / seconds).ToString("N0", CultureInfo.InvariantCulture),
            cpu.ToString("0.00", CultureInfo.InvariantCulture),
            cpu > 0 ? (delivered / cpu).ToString("N0", CultureInfo.InvariantCulture) : "n/a",
            (histogram.Percentile(0.50) / 1000).ToString("0.0", CultureInfo.InvariantCulture),
            (histogram.Percentile(0.99) / 1000).ToString("0.0", CultureInfo.InvariantCulture),
            (histogram.Percentile(0.999) / 1000).ToString("0.0", CultureInfo.InvariantCulture));
        Console.WriteLine(table);
        var perCore = cpu > 0 ? delivered / cpu : 0;
        Console.WriteLine($"frames per server CPU-second = {perCore:N0}; target ≥ 25,000: {(perCore >= 25_000 && errors == 0 ? "MET" : "NOT MET")}");
        return errors == 0 ? 0 : 1;
    }

    private static async Task ReadAsync(
        ClientWebSocket socket, long[] sentAt, int[] received, LatencyHistogram histogram, Action onDelivered, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var r = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var now = Stopwatch.GetTimestamp();
                var span = buffer.AsSpan(0, r.Count);
                var at = span.IndexOf(SeqKey);
                if (at < 0 || !Utf8Parser.TryParse(span[(at + SeqKey.Length)..], out int seq, out _) || seq < 0 || seq >= received.Length)
                {
                    continue;
                }

                Interlocked.Increment(ref received[seq]);
                onDelivered();
                histogram.Record((long)((now - Volatile.Read(ref sentAt[seq])) * 1_000_000.0 / Stopwatch.Frequency));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The run is over.
        }
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}

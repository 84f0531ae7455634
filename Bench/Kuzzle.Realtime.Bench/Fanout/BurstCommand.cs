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
/// Burst delivery (issue 11): N sockets each subscribe to R rooms (R distinct filters that all match), then one socket pipelines P
/// publishes as fast as the server takes them, without waiting for answers. Every subscriber must receive every (room, publish)
/// notification exactly once and stay open. Reports delivered ÷ expected, duplicates, disconnects, frames/s, frames per server
/// CPU-second and the server's peak RSS during the burst.
/// </summary>
public static class BurstCommand
{
    private static readonly byte[] SeqKey = "\"seq\":"u8.ToArray();
    private static readonly byte[] RoomKey = "\"room\":\""u8.ToArray();

    public static async Task<int> RunAsync(CommandLine cli, CancellationToken cancellationToken)
    {
        var subscribers = cli.Number("subscribers", 1000, 1, 9_000);
        var rooms = cli.Number("rooms", 5, 1, 100);
        var publishes = cli.Number("publishes", 200, 1, 100_000);
        var ramp = cli.Number("ramp", 100, 1, 1_000);
        var timeout = TimeSpan.FromSeconds(cli.Seconds("timeout", 60, 1, 600));
        var dll = cli.Text("server-dll");
        cli.EnsureAllRead();

        using var server = await ServerProcess.StartAsync(ServerKind.Kuzzle, dll, cancellationToken);
        var expected = (long)subscribers * rooms * publishes;
        Console.WriteLine($"server pid {server.Pid} on {server.Url}; {subscribers} subscribers × {rooms} rooms × {publishes} pipelined publishes = {expected:N0} frames");

        var collection = "burst-" + Guid.NewGuid().ToString("N")[..8];
        var sockets = new ClientWebSocket[subscribers];
        var ledgers = new Ledger[subscribers];
        for (var start = 0; start < subscribers; start += ramp)
        {
            await Task.WhenAll(Enumerable.Range(start, Math.Min(ramp, subscribers - start)).Select(async i =>
            {
                sockets[i] = await WebSocketConnector.ConnectAsync(server.Url, timeout, cancellationToken);
                ledgers[i] = new Ledger(await SubscribeAsync(sockets[i], collection, rooms, cancellationToken), publishes);
            }));
        }

        Console.WriteLine($"subscribed {subscribers} sockets to {rooms} rooms each");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        long delivered = 0;
        var readers = Enumerable.Range(0, subscribers)
            .Select(i => FrameReader.ReadAsync(sockets[i], ledgers[i].Record, () => Interlocked.Increment(ref delivered), stop.Token))
            .ToArray();
        using var publisher = await WebSocketConnector.ConnectAsync(server.Url, timeout, cancellationToken);
        long answers = 0;
        var answerReader = FrameReader.ReadAsync(publisher, IsSuccessfulAnswer, () => Interlocked.Increment(ref answers), stop.Token);

        var peakRssKiB = ProcStats.Memory(server.Pid)?.RssKiB ?? 0;
        var cpuBefore = ProcStats.CpuSeconds(server.Pid) ?? 0;
        var clock = Stopwatch.StartNew();
        for (var seq = 0; seq < publishes; seq++)
        {
            var publish = Encoding.UTF8.GetBytes(
                $$$"""{"controller":"realtime","action":"publish","index":"bench","collection":"{{{collection}}}","requestId":"p{{{seq}}}","body":{"seq":{{{seq}}},"payload":"0123456789abcdef0123456789abcdef"}}""");
            await publisher.SendAsync(publish, WebSocketMessageType.Text, true, cancellationToken);
        }

        var sentIn = clock.Elapsed.TotalSeconds;

        // Done when everything arrived, or when nothing arrived for the timeout; RSS sampled meanwhile.
        var lastCount = -1L;
        var lastProgress = Stopwatch.GetTimestamp();
        while (Interlocked.Read(ref delivered) < expected || Interlocked.Read(ref answers) < publishes)
        {
            await Task.Delay(20, cancellationToken); // Sampling interval of the progress and RSS readings.
            peakRssKiB = Math.Max(peakRssKiB, ProcStats.Memory(server.Pid)?.RssKiB ?? 0);
            var now = Interlocked.Read(ref delivered) + Interlocked.Read(ref answers);
            if (now != lastCount)
            {
                (lastCount, lastProgress) = (now, Stopwatch.GetTimestamp());
                Console.Write($"\r  delivered {Interlocked.Read(ref delivered):N0}/{expected:N0}, publish answers {Interlocked.Read(ref answers)}/{publishes}   ");
            }
            else if (Stopwatch.GetElapsedTime(lastProgress) > timeout)
            {
                break;
            }
        }

        clock.Stop();
        var cpu = (ProcStats.CpuSeconds(server.Pid) ?? 0) - cpuBefore;
        Console.WriteLine();
        var disconnects = sockets.Count(s => s.State != WebSocketState.Open) + (publisher.State != WebSocketState.Open ? 1 : 0);
        await stop.CancelAsync();
        foreach (var s in sockets)
        {
            s.Abort();
            s.Dispose();
        }

        await Task.WhenAll(readers.Append(answerReader).Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));

        var received = Interlocked.Read(ref delivered);
        var duplicates = ledgers.Sum(l => l.Duplicates);
        var unique = received - duplicates;
        var seconds = clock.Elapsed.TotalSeconds;
        var table = new TextTable("subscribers", "rooms", "publishes", "expected", "delivered", "delivered %", "duplicates", "disconnects",
            "publish answers", "seconds", "frames/s", "server cpu s", "frames per cpu-s", "peak rss MiB");
        table.Add(
            Invariant(subscribers), Invariant(rooms), Invariant(publishes), Invariant(expected), Invariant(unique),
            (100.0 * unique / expected).ToString("0.00", CultureInfo.InvariantCulture), Invariant(duplicates), Invariant(disconnects),
            Invariant(Interlocked.Read(ref answers)), seconds.ToString("0.00", CultureInfo.InvariantCulture),
            (unique / seconds).ToString("N0", CultureInfo.InvariantCulture), cpu.ToString("0.00", CultureInfo.InvariantCulture),
            cpu > 0 ? (unique / cpu).ToString("N0", CultureInfo.InvariantCulture) : "n/a",
            (peakRssKiB / 1024.0).ToString("0", CultureInfo.InvariantCulture));
        Console.WriteLine(table);
        Console.WriteLine($"publishes sent in {sentIn:0.00} s; load average {ProcStats.LoadAverage():0.0}");
        var perCpu = cpu > 0 ? unique / cpu : 0;
        var met = unique == expected && duplicates == 0 && disconnects == 0 && perCpu >= 50_000;
        Console.WriteLine($"delivered {100.0 * unique / expected:0.00} %, {disconnects} disconnects, frames per server CPU-second = {perCpu:N0}; "
            + $"target 100 %, 0 disconnects, ≥ 50,000: {(met ? "MET" : "NOT MET")}");
        return unique == expected && duplicates == 0 && disconnects == 0 ? 0 : 1;
    }

    private static async Task<string[]> SubscribeAsync(ClientWebSocket socket, string collection, int rooms, CancellationToken cancellationToken)
    {
        var channels = new string[rooms];
        var buffer = new byte[4096];
        for (var r = 0; r < rooms; r++)
        {
            var filter = "{\"range\":{\"seq\":{\"gte\":" + Invariant(-1 - r) + "}}}";
            var subscribe = Encoding.UTF8.GetBytes(
                $$"""{"controller":"realtime","action":"subscribe","index":"bench","collection":"{{collection}}","body":{{filter}},"requestId":"s{{r}}"}""");
            await socket.SendAsync(subscribe, WebSocketMessageType.Text, true, cancellationToken);
            var answer = await socket.ReceiveAsync(buffer, cancellationToken);
            var text = Encoding.UTF8.GetString(buffer, 0, answer.Count);
            const string Key = "\"channel\":\"";
            var at = text.IndexOf(Key, StringComparison.Ordinal);
            if (!text.Contains("\"status\":200", StringComparison.Ordinal) || at < 0)
            {
                throw new InvalidOperationException("subscribe failed: " + text);
            }

            at += Key.Length;
            channels[r] = text[at..text.IndexOf('"', at)];
        }

        return channels;
    }

    private static bool IsSuccessfulAnswer(ReadOnlySpan<byte> frame) => frame.IndexOf("\"status\":200"u8) >= 0;

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>One subscriber's books: which (room, seq) arrived, and how many arrived twice.</summary>
    private sealed class Ledger(string[] channelNames, int publishes)
    {
        private readonly byte[][] _channels = [.. channelNames.Select(Encoding.UTF8.GetBytes)];
        private readonly bool[] _seen = new bool[channelNames.Length * publishes];

        public long Duplicates { get; private set; }

        /// <summary>Records a notification frame; false for anything else.</summary>
        public bool Record(ReadOnlySpan<byte> frame)
        {
            var seqAt = frame.IndexOf(SeqKey);
            var roomAt = frame.LastIndexOf(RoomKey);
            if (seqAt < 0 || roomAt < 0 || !Utf8Parser.TryParse(frame[(seqAt + SeqKey.Length)..], out int seq, out _) || seq < 0 || seq >= publishes)
            {
                return false;
            }

            var room = frame[(roomAt + RoomKey.Length)..];
            room = room[..room.IndexOf((byte)'"')];
            for (var r = 0; r < _channels.Length; r++)
            {
                if (room.SequenceEqual(_channels[r]))
                {
                    ref var seen = ref _seen[(r * publishes) + seq];
                    if (seen)
                    {
                        Duplicates++;
                    }

                    seen = true;
                    return true;
                }
            }

            return false;
        }
    }
}

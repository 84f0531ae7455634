using System.Globalization;
using System.Net.WebSockets;
using Kuzzle.Realtime.Bench.Load;

namespace Kuzzle.Realtime.Bench.Idle;

/// <summary>
/// <c>idle-client</c> (a child of <c>idle</c>): opens N sockets, reports on stdout, holds them silent until stdin
/// says "close" (or closes), then exits. One process per ~7,500 sockets keeps each under the 20,000 fd limit.
/// Output lines: <c>progress|ready &lt;opened&gt; &lt;failed&gt; &lt;closed&gt;</c>.
/// </summary>
public static class IdleClient
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private static int _opened;
    private static int _failed;
    private static int _closed;

    public static async Task<int> RunAsync(Uri url, int connections, int ramp, TimeSpan hold, CancellationToken cancellationToken)
    {
        var sockets = new ClientWebSocket?[connections];
        using var gate = new SemaphoreSlim(ramp);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var opening = Task.WhenAll(Enumerable.Range(0, connections).Select(i => OpenAsync(i, url, sockets, gate, stop.Token)));

        while (await Task.WhenAny(opening, Task.Delay(1000, cancellationToken)) != opening)
        {
            Report("progress");
        }

        Report("ready");

        // Ends on "close", on EOF (the parent died or finished) or after the hold limit.
        var stdin = Console.In.ReadLineAsync(cancellationToken).AsTask();
        await Task.WhenAny(stdin, Task.Delay(hold, cancellationToken));
        await stop.CancelAsync();
        foreach (var socket in sockets)
        {
            socket?.Abort();
            socket?.Dispose();
        }

        return 0;
    }

    private static async Task OpenAsync(int index, Uri url, ClientWebSocket?[] sockets, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        ClientWebSocket socket;
        await gate.WaitAsync(cancellationToken);
        try
        {
            socket = await WebSocketConnector.ConnectAsync(url, ConnectTimeout, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failed);
            return;
        }
        finally
        {
            gate.Release();
        }

        sockets[index] = socket;
        Interlocked.Increment(ref _opened);
        _ = WatchAsync(socket, cancellationToken);
    }

    /// <summary>A pending read per socket, so a server-side close (e.g. its idle timeout) is counted, not missed.</summary>
    private static async Task WatchAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[256];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception)
        {
        }

        Interlocked.Increment(ref _closed);
    }

    private static void Report(string kind)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kind} {Volatile.Read(ref _opened)} {Volatile.Read(ref _failed)} {Volatile.Read(ref _closed)}"));
    }
}

using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Kuzzle.Realtime.Bench.Load;

namespace Kuzzle.Realtime.Bench.Fanout;

/// <summary>Revocation delays measured, in µs.</summary>
/// <param name="Samples">Logouts made.</param>
/// <param name="Missed">Logouts node B had not applied within the timeout.</param>
/// <param name="Delay">Logout sent on A → first refusal of the token on B.</param>
public sealed record RevocationResult(int Samples, int Missed, LatencyHistogram Delay);

/// <summary>
/// Token revocation across two nodes: per sample, log in on A, subscribe on B with the token (so B's socket is authenticated and
/// linked to it), log out on A, then ask B about the token until it refuses it (401).
/// </summary>
public static class RevocationProbe
{
    private const string User = "bench-admin";
    private const string Password = "bench-password-1";
    private const string CreateFirstAdmin =
        "{\"controller\":\"security\",\"action\":\"createFirstAdmin\",\"_id\":\"" + User + "\",\"body\":{\"content\":{},\"credentials\":"
        + "{\"local\":{\"username\":\"" + User + "\",\"password\":\"" + Password + "\"}}}}";

    public static async Task<RevocationResult> RunAsync(Uri nodeA, Uri nodeB, int samples, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var a = await WebSocketConnector.ConnectAsync(nodeA, timeout, cancellationToken);
        using var b = await WebSocketConnector.ConnectAsync(nodeB, timeout, cancellationToken);
        var admin = await RequestAsync(a, CreateFirstAdmin, cancellationToken);
        Ensure(admin, "createFirstAdmin");
        var histogram = new LatencyHistogram();
        var missed = 0;
        for (var i = 0; i < samples; i++)
        {
            // A fresh socket per login: the server allows one login per second per connection (Limits:LoginsPerSecond).
            using var fresh = await WebSocketConnector.ConnectAsync(nodeA, timeout, cancellationToken);
            var login = await RequestAsync(fresh, $$$"""{"controller":"auth","action":"login","strategy":"local","body":{"username":"{{{User}}}","password":"{{{Password}}}"}}""", cancellationToken);
            Ensure(login, "login");
            var jwt = login.GetProperty("result").GetProperty("jwt").GetString()!;
            Ensure(await RequestAsync(b, $$"""{"controller":"realtime","action":"subscribe","index":"bench","collection":"revocation","body":{},"jwt":"{{jwt}}"}""", cancellationToken), "subscribe on B");

            var started = Stopwatch.GetTimestamp();
            Ensure(await RequestAsync(a, $$"""{"controller":"auth","action":"logout","global":true,"jwt":"{{jwt}}"}""", cancellationToken), "logout");
            var refused = false;
            while (!refused && Stopwatch.GetElapsedTime(started) < timeout)
            {
                var check = await RequestAsync(b, $$"""{"controller":"auth","action":"getCurrentUser","jwt":"{{jwt}}"}""", cancellationToken);
                refused = check.GetProperty("status").GetInt32() == 401;
            }

            if (refused)
            {
                histogram.Record((long)Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            }
            else
            {
                missed++;
            }

            Console.Write($"\r  revocation {i + 1}/{samples}");
        }

        Console.WriteLine();
        return new RevocationResult(samples, missed, histogram);
    }

    private static void Ensure(JsonElement response, string what)
    {
        if (response.GetProperty("status").GetInt32() != 200)
        {
            throw new InvalidOperationException($"{what} failed: {response}");
        }
    }

    private static async Task<JsonElement> RequestAsync(ClientWebSocket socket, string json, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        await socket.SendAsync(Encoding.UTF8.GetBytes(json.Insert(1, $"\"requestId\":\"{id}\",")), WebSocketMessageType.Text, true, cancellationToken);
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var r = await socket.ReceiveAsync(buffer, cancellationToken);
            if (r.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException("the server closed the socket");
            }

            message.Write(buffer, 0, r.Count);
            if (!r.EndOfMessage)
            {
                continue;
            }

            using var document = JsonDocument.Parse(message.ToArray());
            message.SetLength(0);

            // Notifications (the subscription's, if any) are skipped: only the answer to this request counts.
            if (document.RootElement.TryGetProperty("requestId", out var requestId) && requestId.GetString() == id)
            {
                return document.RootElement.Clone();
            }
        }
    }
}

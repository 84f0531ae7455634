using System.Text.Json;
using Kuzzle.Realtime.Koncorde;
using Kuzzle.Realtime.Server.Realtime;
using Kuzzle.Realtime.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kuzzle.Realtime.Tests.Integration;

/// <summary>
/// Several sockets subscribe, unsubscribe, join, publish, count and reconnect at random, concurrently, on one node or on two
/// nodes sharing Redis: every answer is a success or a realtime error (never a 5xx), every other frame is a well-formed
/// notification on a channel the socket holds, and once every socket is gone no room, subscription, filter or cluster-wide
/// count is left.
/// </summary>
[TestFixture]
public sealed class RealtimeChurnTests
{
    private const int Clients = 6;
    private const int OperationsPerClient = 150;

    private static readonly string[] Filters =
    [
        "{}",
        """{"equals":{"tag":"a"}}""",
        """{"range":{"n":{"gte":2,"lt":4}}}""",
        """{"exists":"nested.x"}""",
        """{"not":{"equals":{"tag":"b"}}}""",
        """{"bool":{"must":[{"in":{"tag":["a","b"]}}],"should":[{"range":{"n":{"gt":3}}}]}}""",
        """{"or":[{"equals":{"n":1}},{"missing":"tag"}]}""",
    ];

    private static readonly string[] Scopes = ["all", "in", "out", "none"];

    [TestCase(1, false)]
    [TestCase(2, false)]
    [TestCase(3, true)]
    public async Task Random_subscriptions_and_publishes_leave_nothing_behind(int seed, bool twoNodesOnRedis)
    {
        await using var redis = twoNodesOnRedis ? await RedisServer.StartAsync() : null;
        TestServer[] nodes = redis is null
            ? [await TestServer.StartAsync()]
            :
            [
                await TestServer.StartAsync("--redis", redis.ConnectionString, "--node-id", "churn-a"),
                await TestServer.StartAsync("--redis", redis.ConnectionString, "--node-id", "churn-b"),
            ];
        try
        {
            var roomIds = new HashSet<string>(StringComparer.Ordinal);
            var problems = new List<string>();
            var clients = Enumerable.Range(0, Clients)
                .Select(i => Task.Run(() => RunClientAsync(nodes, new Random(seed * 100 + i), i, roomIds, problems)))
                .ToArray();
            await Task.WhenAll(clients);
            Assert.That(problems, Is.Empty, string.Join("\n", problems.Take(10)));

            foreach (var node in nodes)
            {
                var clerk = node.Services.GetRequiredService<HotelClerk>();
                var koncorde = node.Services.GetRequiredService<KoncordeEngine>();
                await WebSocketLimitsTests.WaitUntilAsync(() => clerk.Subscriptions == 0 && clerk.Rooms == 0 && koncorde.FilterCount == 0);
                Assert.That((clerk.Rooms, clerk.Subscriptions, koncorde.FilterCount), Is.EqualTo((0, 0, 0)), "left on a node");
            }

            // Cluster-wide counts too (on Redis, other nodes' subscribers are counted through the shared state).
            await using var observer = await nodes[0].ConnectAsync();
            foreach (var roomId in roomIds)
            {
                var deadline = DateTime.UtcNow.AddSeconds(10);
                int count;
                do
                {
                    var answer = await observer.RequestAsync($$$"""{"controller":"realtime","action":"count","requestId":"c","body":{"roomId":"{{{roomId}}}"}}""");
                    count = answer.GetProperty("result").GetProperty("count").GetInt32();
                }
                while (count != 0 && DateTime.UtcNow < deadline && await Delay());

                Assert.That(count, Is.Zero, $"room {roomId} still counts subscribers");
            }
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(100);
        return true;
    }

    private static async Task RunClientAsync(TestServer[] nodes, Random random, int clientIndex, HashSet<string> allRooms, List<string> problems)
    {
        var socket = await nodes[clientIndex % nodes.Length].ConnectAsync();
        var mine = new Dictionary<string, string>(StringComparer.Ordinal); // roomId → channel
        try
        {
            for (var op = 0; op < OperationsPerClient; op++)
            {
                var requestId = $"r{clientIndex}-{op}";
                var collection = random.Next(2) == 0 ? "c1" : "c2";
                string frame;
                switch (random.Next(10))
                {
                    case < 3:
                        frame = $$$"""{"controller":"realtime","action":"subscribe","index":"i","collection":"{{{collection}}}","requestId":"{{{requestId}}}","scope":"{{{Scopes[random.Next(Scopes.Length)]}}}","users":"{{{Scopes[random.Next(Scopes.Length)]}}}","body":{{{Filters[random.Next(Filters.Length)]}}}}""";
                        break;
                    case 3 when mine.Count > 0:
                        frame = $$$"""{"controller":"realtime","action":"unsubscribe","requestId":"{{{requestId}}}","body":{"roomId":"{{{mine.Keys.ElementAt(random.Next(mine.Count))}}}"}}""";
                        break;
                    case 4 when RandomRoom(allRooms, random) is { } joined:
                        frame = $$$"""{"controller":"realtime","action":"join","requestId":"{{{requestId}}}","body":{"roomId":"{{{joined}}}"}}""";
                        break;
                    case 5:
                        frame = $$$"""{"controller":"realtime","action":"count","requestId":"{{{requestId}}}","body":{"roomId":"{{{(mine.Count > 0 ? mine.Keys.First() : "nope")}}}"}}""";
                        break;
                    case 6 when random.Next(4) == 0:
                        await socket.DisposeAsync(); // Its subscriptions go with it.
                        mine.Clear();
                        socket = await nodes[random.Next(nodes.Length)].ConnectAsync();
                        continue;
                    default:
                        var nested = random.Next(2) == 0 ? ""","nested":{"x":1}""" : "";
                        var tag = random.Next(3) switch { 0 => "\"tag\":\"a\",", 1 => "\"tag\":\"b\",", _ => "" };
                        frame = $$$"""{"controller":"realtime","action":"publish","index":"i","collection":"{{{collection}}}","requestId":"{{{requestId}}}","body":{{{{tag}}}"n":{{{random.Next(6)}}}{{{nested}}}}}""";
                        break;
                }

                var answer = await ExchangeAsync(socket, frame, requestId, problems);
                var status = answer.GetProperty("status").GetInt32();
                if (status >= 500 || (status >= 400 && !answer.GetProperty("error").GetProperty("id").GetString()!.StartsWith("core.realtime.", StringComparison.Ordinal)))
                {
                    Record(problems, $"{frame} → {answer}");
                    continue;
                }

                if (status == 200 && answer.GetProperty("result") is { ValueKind: JsonValueKind.Object } result
                    && result.TryGetProperty("roomId", out var roomId) && result.TryGetProperty("channel", out var channel))
                {
                    mine[roomId.GetString()!] = channel.GetString()!;
                    lock (allRooms)
                    {
                        allRooms.Add(roomId.GetString()!);
                    }
                }
                else if (frame.Contains("\"unsubscribe\"", StringComparison.Ordinal) && status == 200)
                {
                    mine.Remove(answer.GetProperty("result").GetProperty("roomId").GetString()!);
                }
            }
        }
        finally
        {
            await socket.DisposeAsync();
        }
    }

    // Reads until the answer to requestId; every other frame must be a well-formed notification (on a channel the socket holds,
    // or held a moment ago: a notification may cross an unsubscribe).
    private static async Task<JsonElement> ExchangeAsync(WsClient socket, string frame, string requestId, List<string> problems)
    {
        await socket.SendTextAsync(frame);
        while (true)
        {
            var received = await socket.ReceiveJsonAsync();
            var room = received.TryGetProperty("room", out var r) ? r.GetString() : null;
            if (room == requestId)
            {
                return received;
            }

            var type = received.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type is not ("document" or "user") || received.GetProperty("status").GetInt32() != 200 || room is null
                || !received.TryGetProperty("result", out _))
            {
                Record(problems, $"not a notification: {received}");
            }
        }
    }

    private static string? RandomRoom(HashSet<string> rooms, Random random)
    {
        lock (rooms)
        {
            return rooms.Count == 0 ? null : rooms.ElementAt(random.Next(rooms.Count));
        }
    }

    private static void Record(List<string> problems, string problem)
    {
        lock (problems)
        {
            problems.Add(problem);
        }
    }
}

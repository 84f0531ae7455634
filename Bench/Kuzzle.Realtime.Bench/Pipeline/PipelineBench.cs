using System.Diagnostics;
using System.Globalization;
using Kuzzle.Realtime.Bench.Report;
using Kuzzle.Realtime.Protocol.Requests;
using Kuzzle.Realtime.Server.Api;
using Kuzzle.Realtime.Server.Hosting;
using Kuzzle.Realtime.Server.Network;
using Microsoft.Extensions.DependencyInjection;

namespace Kuzzle.Realtime.Bench.Pipeline;

/// <summary>
/// The server's per-request work without sockets: parse a frame, run it through the funnel, serialize the envelope. Reports time and
/// managed bytes allocated per request, so allocation regressions on the hot path show up as numbers.
/// </summary>
public static class PipelineBench
{
    private static readonly (string Name, string Frame)[] Cases =
    [
        ("server:now", """{"controller":"server","action":"now","requestId":"0123456789abcdef"}"""),
        ("server:now + SDK volatile", """{"controller":"server","action":"now","requestId":"6a2f0c2e-5b1e-4c8e-9d7a-3f1e2d4c5b6a","volatile":{"sdkInstanceId":"d3b07384-d113-4956-9e1c-6b7a6f4f0a11","sdkName":"js@7.17.1"}}"""),
        ("realtime:publish (no subscriber)", """{"controller":"realtime","action":"publish","index":"i","collection":"c","requestId":"r","body":{"a":1,"b":"text"}}"""),
        ("unknown action (error path)", """{"controller":"server","action":"nope","requestId":"e"}"""),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var iterations = args.Length > 1 && args[0] == "--iterations" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;
        var data = Directory.CreateTempSubdirectory("kuzzle-pipeline-bench-").FullName;
        try
        {
            await using var app = await ServerHost.BuildAsync(["--port", "0", "--host", "127.0.0.1", "--data", data, "--Logging:LogLevel:Default=Warning"]);

            // Hosted services seed the security store and start the rights service: without them every request is an error.
            await app.StartAsync();
            var funnel = app.Services.GetRequiredService<Funnel>();
            var frames = app.Services.GetRequiredService<ResponseFrames>();
            var connection = new BenchConnection();
            var table = new TextTable("case", "requests", "µs/request", "bytes allocated/request");
            foreach (var (name, frame) in Cases)
            {
                var expected = name.StartsWith("unknown", StringComparison.Ordinal) ? 404 : 200;
                var bytes = System.Text.Encoding.UTF8.GetBytes(frame);
                await RunOnceAsync(funnel, frames, connection, bytes, iterations / 10, expected); // Warm-up: JIT, pools, caches.
                var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                var clock = Stopwatch.StartNew();
                await RunOnceAsync(funnel, frames, connection, bytes, iterations, expected);
                clock.Stop();
                var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
                table.Add(
                    name,
                    iterations.ToString(CultureInfo.InvariantCulture),
                    (clock.Elapsed.TotalMicroseconds / iterations).ToString("0.00", CultureInfo.InvariantCulture),
                    (allocated / (double)iterations).ToString("0", CultureInfo.InvariantCulture));
            }

            Console.WriteLine(table);
            return 0;
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task RunOnceAsync(Funnel funnel, ResponseFrames frames, BenchConnection connection, byte[] payload, int iterations, int expectedStatus)
    {
        for (var i = 0; i < iterations; i++)
        {
            var parsed = RequestParser.Parse(payload, RequestProtocol.WebSocket);
            using var input = parsed.Request!;
            var context = new RequestContext(input, connection, input.RequestId!);
            var response = await funnel.ExecuteAsync(context, CancellationToken.None);
            frames.Envelope(context, response, includeRoom: true).Release();
            if (response.Status != expectedStatus)
            {
                throw new InvalidOperationException($"{input.Controller}:{input.Action} answered {response.Status}, not {expectedStatus}: {response.Error?.Message}");
            }
        }
    }

    private sealed class BenchConnection : IConnectionInfo
    {
        public string Id => "bench";

        public string Protocol => "websocket";

        public string RemoteAddress => "127.0.0.1";

        public string? Origin => null;

        public bool IsAlive => true;

        public bool IsPersistent => true;

        public void Post(Kuzzle.Realtime.Server.Network.Buffers.OutboundFrame frame) => frame.Release();
    }
}

using System.Globalization;
using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Bench.Koncorde;

/// <summary>One benchmark case: N filters of one keyword and the document tested against them.</summary>
public sealed record BenchShape(string Name, IReadOnlyList<JsonObject> Filters, JsonObject Document);

/// <summary>
/// The benchmark shapes of Koncorde's own benchmark (10 000 filters per keyword, random operands, a fixed
/// document), generated from a seed so that both engines get exactly the same filters.
/// </summary>
public static class BenchShapes
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";

    public static IReadOnlyList<BenchShape> Create(int count, int seed)
    {
        var random = new Random(seed);
        string Text(int length) => string.Create(length, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[r.Next(Alphabet.Length)];
            }
        });
        (double Lon, double Lat) Position() => ((random.NextDouble() * 360) - 180, (random.NextDouble() * 180) - 90);
        List<JsonObject> Many(Func<JsonObject> make) => Enumerable.Range(0, count).Select(_ => make()).ToList();
        JsonObject Origin() => new() { ["point"] = new JsonArray(0, 0) };

        return
        [
            new("equals", Many(() => new JsonObject { ["equals"] = new JsonObject { ["str"] = Text(20) } }), new JsonObject { ["str"] = Text(20) }),
            new("exists", Many(() => new JsonObject { ["exists"] = new JsonObject { ["field"] = Text(20) } }), new JsonObject { [Text(20)] = true }),
            new("geoBoundingBox", Many(() =>
            {
                var (lon, lat) = Position();
                return new JsonObject
                {
                    ["geoBoundingBox"] = new JsonObject
                    {
                        ["point"] = new JsonObject { ["bottom"] = lat - 0.5, ["left"] = lon, ["right"] = lon + 0.5, ["top"] = lat },
                    },
                };
            }), Origin()),
            new("geoDistance", Many(() =>
            {
                var (lon, lat) = Position();
                return new JsonObject { ["geoDistance"] = new JsonObject { ["distance"] = "500m", ["point"] = new JsonArray(lat, lon) } };
            }), Origin()),
            new("geoDistanceRange", Many(() =>
            {
                var (lon, lat) = Position();
                return new JsonObject { ["geoDistanceRange"] = new JsonObject { ["from"] = "500m", ["point"] = new JsonArray(lat, lon), ["to"] = "1km" } };
            }), Origin()),
            new("geoPolygon (5 vertices)", Many(() =>
            {
                // Random star-shaped polygon: 5 vertices at sorted angles, radial lengths up to 10 degrees.
                var (lon, lat) = Position();
                var angles = Enumerable.Range(0, 5).Select(_ => random.NextDouble() * 2 * Math.PI).Order().ToArray();
                var points = angles.Select(a =>
                {
                    var r = random.NextDouble() * 10;
                    return (JsonNode)new JsonArray(lat + (r * Math.Sin(a)), lon + (r * Math.Cos(a)));
                }).ToArray();
                return new JsonObject { ["geoPolygon"] = new JsonObject { ["point"] = new JsonObject { ["points"] = new JsonArray(points) } } };
            }), Origin()),
            new("in (5 random values)", Many(() => new JsonObject
            {
                ["in"] = new JsonObject { ["str"] = new JsonArray(Enumerable.Range(0, 5).Select(_ => (JsonNode)Text(20)).ToArray()) },
            }), new JsonObject { ["str"] = Text(20) }),
            new("range (random bounds)", Many(() =>
            {
                var bound = random.Next(-10000, 10001);
                return new JsonObject { ["range"] = new JsonObject { ["integer"] = new JsonObject { ["gte"] = bound, ["lte"] = bound + 100 } } };
            }), new JsonObject { ["integer"] = random.Next(-10000, 10001) }),
            new("regexp (random prefix)", Many(() => new JsonObject
            {
                ["regexp"] = new JsonObject { ["str"] = "^" + Text(2).Replace('-', 'x') + "[a-z]" },
            }), new JsonObject { ["str"] = Text(20) }),
            new("not equals", Many(() => new JsonObject
            {
                ["not"] = new JsonObject { ["equals"] = new JsonObject { ["str"] = Text(20) } },
            }), new JsonObject { ["str"] = Text(20) }),
        ];
    }

    internal static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}

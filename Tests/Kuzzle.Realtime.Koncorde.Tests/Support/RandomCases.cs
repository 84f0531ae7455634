using System.Globalization;
using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Koncorde.Tests.Support;

/// <summary>
/// Seeded generator of random filters and documents over a small vocabulary, so that filters and documents
/// meet often. <see cref="Filter"/> reports whether Kuzzle's ids are reproducible for the shape produced.
/// </summary>
internal sealed class RandomCases(int seed)
{
    private static readonly string[] Fields = ["a", "b", "c", "n", "s", "o.p", "o.q"];
    private static readonly string[] Strings = ["x", "y", "z", "xy", "X1", "1", ""];
    private static readonly string[] Patterns = ["^x", "y$", "[xz]", "x|y", "^.{2,}$", "\\d", "^$", "X"];
    private static readonly string[] Ids = ["id1", "id2", "id3"];
    private readonly Random _random = new(seed);
    private readonly (double Lat, double Lon)[] _centers = MakeCenters(new Random(seed ^ 0x5eed));

    /// <summary>A random filter; <paramref name="reproducible"/> is true for one term, in/ids, or a flat and/or of terms.</summary>
    public JsonObject Filter(out bool reproducible)
    {
        var shape = _random.Next(10);
        if (shape < 4)
        {
            reproducible = true;
            return Term();
        }

        if (shape < 6)
        {
            reproducible = true;
            return Group(_random.Next(2) == 0 ? "and" : "or", Enumerable.Range(0, _random.Next(2, 4)).Select(_ => Term()));
        }

        reproducible = false;
        return Node(2);
    }

    public JsonObject Document(out string? id)
    {
        id = _random.Next(3) == 0 ? null : Ids[_random.Next(Ids.Length)];
        var doc = new JsonObject();
        foreach (var field in new[] { "a", "b", "c" })
        {
            if (_random.Next(3) > 0)
            {
                doc[field] = _random.Next(8) == 0 ? new JsonArray(Scalar(), Scalar()) : Scalar();
            }
        }

        if (_random.Next(4) > 0)
        {
            doc["n"] = _random.Next(6) == 0 ? JsonValue.Create(Strings[_random.Next(Strings.Length)]) : Number();
        }

        if (_random.Next(4) > 0)
        {
            doc["s"] = Strings[_random.Next(Strings.Length)];
        }

        if (_random.Next(3) > 0)
        {
            doc["o"] = _random.Next(5) == 0 ? Scalar() : new JsonObject { ["p"] = Scalar(), ["q"] = Scalar() };
        }

        if (_random.Next(3) > 0)
        {
            doc["arr"] = _random.Next(6) == 0 ? Scalar() : new JsonArray(Enumerable.Range(0, _random.Next(0, 4)).Select(_ => Scalar()).ToArray());
        }

        if (_random.Next(3) > 0)
        {
            doc["loc"] = DocumentPoint();
        }

        return doc;
    }

    private JsonObject Node(int depth)
    {
        if (depth == 0)
        {
            return Term();
        }

        switch (_random.Next(7))
        {
            case 0:
            case 1:
                return Group("and", Enumerable.Range(0, _random.Next(2, 4)).Select(_ => Node(depth - 1)));
            case 2:
            case 3:
                return Group("or", Enumerable.Range(0, _random.Next(2, 4)).Select(_ => Node(depth - 1)));
            case 4:
                return new JsonObject { ["not"] = Node(depth - 1) };
            case 5:
                var clauses = new JsonObject();
                foreach (var clause in new[] { "must", "must_not", "should", "should_not" })
                {
                    if (_random.Next(2) == 0 || (clause == "should_not" && clauses.Count == 0))
                    {
                        clauses[clause] = new JsonArray(Enumerable.Range(0, _random.Next(1, 3)).Select(_ => Node(depth - 1)).ToArray());
                    }
                }

                return new JsonObject { ["bool"] = clauses };
            default:
                return Term();
        }
    }

    private static JsonObject Group(string op, IEnumerable<JsonNode> children) => new() { [op] = new JsonArray(children.ToArray()) };

    private JsonObject Term()
    {
        var field = Fields[_random.Next(Fields.Length)];
        switch (_random.Next(16))
        {
            case 0:
            case 1:
            case 2:
                return new JsonObject { ["equals"] = new JsonObject { [field] = Scalar() } };
            case 3:
                return new JsonObject { ["in"] = new JsonObject { [field] = new JsonArray(Enumerable.Range(0, _random.Next(1, 4)).Select(_ => (JsonNode)Strings[_random.Next(Strings.Length)]).ToArray()) } };
            case 4:
                return new JsonObject { ["ids"] = new JsonObject { ["values"] = new JsonArray(Enumerable.Range(0, _random.Next(1, 3)).Select(_ => (JsonNode)Ids[_random.Next(Ids.Length)]).ToArray()) } };
            case 5:
            case 6:
                return new JsonObject { [_random.Next(2) == 0 ? "exists" : "missing"] = ExistsField(field) };
            case 7:
            case 8:
                return new JsonObject { ["range"] = new JsonObject { [_random.Next(2) == 0 ? "n" : field] = RangeBounds() } };
            case 9:
                var pattern = Patterns[_random.Next(Patterns.Length)];
                JsonNode spec = _random.Next(2) == 0 ? pattern : new JsonObject { ["value"] = pattern, ["flags"] = "i" };
                return new JsonObject { ["regexp"] = new JsonObject { [_random.Next(3) == 0 ? field : "s"] = spec } };
            case 10:
            case 11:
                return GeoTerm();
            case 12:
                return new JsonObject { ["match"] = MatchValue() };
            case 13:
                JsonNode query = _random.Next(2) == 0
                    ? new JsonObject { ["equals"] = new JsonObject { ["value"] = Scalar() } }
                    : new JsonObject { ["range"] = new JsonObject { ["value"] = RangeBounds() } };
                return new JsonObject { ["select"] = new JsonObject { ["field"] = "arr", ["index"] = _random.Next(-2, 2), ["query"] = query } };
            case 14:
                return new JsonObject { ["not"] = new JsonObject { ["equals"] = new JsonObject { [field] = Scalar() } } };
            default:
                return new JsonObject { ["exists"] = field };
        }
    }

    private JsonNode ExistsField(string field) => _random.Next(5) switch
    {
        0 => "arr[\"x\"]",
        1 => _random.Next(2) == 0 ? "arr[3]" : "arr[true]",
        2 => new JsonObject { ["field"] = field },
        3 => "arr[null]",
        _ => field,
    };

    private JsonObject RangeBounds()
    {
        var bounds = new JsonObject();
        var low = _random.Next(-2, 10) + (_random.Next(3) == 0 ? 0.5 : 0);
        var high = low + _random.Next(1, 6);
        var kind = _random.Next(3);
        if (kind != 1)
        {
            bounds[_random.Next(2) == 0 ? "gt" : "gte"] = low;
        }

        if (kind != 0)
        {
            bounds[_random.Next(2) == 0 ? "lt" : "lte"] = high;
        }

        return bounds;
    }

    private JsonObject MatchValue() => _random.Next(3) switch
    {
        0 => new JsonObject { ["a"] = Scalar() },
        1 => new JsonObject { ["o"] = new JsonObject { ["p"] = Scalar() } },
        _ => new JsonObject { ["arr"] = new JsonArray(Scalar()) },
    };

    private JsonObject GeoTerm()
    {
        var (lat, lon) = _centers[_random.Next(_centers.Length)];
        lat += (_random.NextDouble() - 0.5) * 2;
        lon += (_random.NextDouble() - 0.5) * 2;
        switch (_random.Next(4))
        {
            case 0:
                var half = 0.2 + _random.NextDouble();
                return new JsonObject
                {
                    ["geoBoundingBox"] = new JsonObject
                    {
                        ["loc"] = _random.Next(2) == 0
                            ? new JsonObject { ["top"] = lat + half, ["left"] = lon - half, ["bottom"] = lat - half, ["right"] = lon + half }
                            : new JsonObject { ["top_left"] = new JsonArray(lat + half, lon - half), ["bottom_right"] = $"{Fmt(lat - half)}, {Fmt(lon + half)}" },
                    },
                };
            case 1:
                return new JsonObject { ["geoDistance"] = new JsonObject { ["loc"] = new JsonArray(lat, lon), ["distance"] = $"{_random.Next(20, 200)}km" } };
            case 2:
                var from = _random.Next(5, 60);
                return new JsonObject
                {
                    ["geoDistanceRange"] = new JsonObject
                    {
                        ["loc"] = new JsonObject { ["lat"] = lat, ["lon"] = lon },
                        ["from"] = $"{from} km",
                        ["to"] = $"{from + _random.Next(20, 150)}000 m",
                    },
                };
            default:
                var count = _random.Next(3, 7);
                var radius = 0.3 + _random.NextDouble();
                var points = Enumerable.Range(0, count)
                    .Select(i => (i * 2 * Math.PI / count) + (_random.NextDouble() * 0.5))
                    .Select(angle => (JsonNode)new JsonArray(lat + (radius * Math.Sin(angle)), lon + (radius * Math.Cos(angle))))
                    .ToArray();
                return new JsonObject { ["geoPolygon"] = new JsonObject { ["loc"] = new JsonObject { ["points"] = new JsonArray(points) } } };
        }
    }

    private JsonNode DocumentPoint()
    {
        var (lat, lon) = _centers[_random.Next(_centers.Length)];
        lat += (_random.NextDouble() - 0.5) * 4;
        lon += (_random.NextDouble() - 0.5) * 4;
        return _random.Next(8) switch
        {
            0 => $"{Fmt(lat)},{Fmt(lon)}",
            1 => new JsonObject { ["lat"] = lat, ["lon"] = lon },
            2 => new JsonObject { ["lat_lon"] = new JsonArray(lat, lon) },
            3 => "not a point",
            _ => new JsonArray(lat, lon),
        };
    }

    private JsonNode? Scalar() => _random.Next(9) switch
    {
        0 or 1 or 2 => Strings[_random.Next(Strings.Length)],
        3 or 4 or 5 => Number(),
        6 => true,
        7 => false,
        _ => null,
    };

    private JsonNode Number() => _random.Next(4) == 0 ? _random.Next(-2, 12) + 0.5 : _random.Next(-2, 12);

    private static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static (double, double)[] MakeCenters(Random random) =>
        Enumerable.Range(0, 4).Select(_ => ((random.NextDouble() * 120) - 60, (random.NextDouble() * 340) - 170)).ToArray();
}

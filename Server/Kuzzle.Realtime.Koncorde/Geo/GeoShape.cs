using Kuzzle.Realtime.Koncorde.Json;

namespace Kuzzle.Realtime.Koncorde.Geo;

/// <summary>A standardised geo term shape: knows its canonical JSON, its envelope and how to test a point.</summary>
internal abstract class GeoShape
{
    /// <summary>The original keyword (geoBoundingBox, geoDistance...).</summary>
    public abstract string Keyword { get; }

    public abstract Envelope Envelope { get; }

    public abstract JsValue ToJs();

    /// <summary>Exact test, once the envelope is known to cover the point.</summary>
    public abstract bool Covers(double lat, double lon);

    /// <summary>Same test with the point's unit vector already computed (one per query, shared by all shapes).</summary>
    public virtual bool Covers(double lat, double lon, (double X, double Y, double Z) vector) => Covers(lat, lon);

    protected static JsValue Num(double v) => JsValue.FromNumber(v);

    protected static JsValue Obj(params (string Key, JsValue Value)[] properties) =>
        JsValue.FromProperties(properties.Select(p => new KeyValuePair<string, JsValue>(p.Key, p.Value)));
}

internal sealed class GeoBoundingBox(double top, double left, double bottom, double right) : GeoShape
{
    public override string Keyword => "geoBoundingBox";

    public override Envelope Envelope { get; } = Envelope.Of(left, bottom, right, top);

    public override JsValue ToJs() => Obj(("top", Num(top)), ("left", Num(left)), ("bottom", Num(bottom)), ("right", Num(right)));

    public override bool Covers(double lat, double lon) => true;
}

internal sealed class GeoCircle(double lat, double lon, double distance) : GeoShape
{
    public override string Keyword => "geoDistance";

    public override Envelope Envelope { get; } = Geodesy.CircleEnvelope(lat, lon, distance);

    public override JsValue ToJs() => Obj(("distance", Num(distance)), ("lat", Num(lat)), ("lon", Num(lon)));

    public override bool Covers(double pLat, double pLon) => Geodesy.Distance(lat, lon, pLat, pLon) <= distance;
}

internal sealed class GeoAnnulus(double lat, double lon, double from, double to) : GeoShape
{
    public override string Keyword => "geoDistanceRange";

    public override Envelope Envelope { get; } = Geodesy.CircleEnvelope(lat, lon, to);

    public override JsValue ToJs() => Obj(("from", Num(from)), ("lat", Num(lat)), ("lon", Num(lon)), ("to", Num(to)));

    public override bool Covers(double pLat, double pLon)
    {
        var d = Geodesy.Distance(lat, lon, pLat, pLon);
        return d <= to && d >= from;
    }
}

/// <summary>A polygon with great-circle edges, implicitly closed, boundary included, non-zero winding rule.</summary>
internal sealed class GeoPolygon : GeoShape
{
    private readonly (double Lat, double Lon)[] _points;
    private readonly Edge[] _edges;

    public GeoPolygon((double Lat, double Lon)[] points)
    {
        _points = points;
        var vectors = points.Select(p => Geodesy.ToVector(p.Lat, p.Lon)).ToArray();
        _edges = new Edge[points.Length];
        for (var i = 0; i < points.Length; i++)
        {
            var j = (i + 1) % points.Length;
            var (a, b) = (vectors[i], vectors[j]);

            // Normal of the edge's great circle (a x b): the sign of its dot product with a point gives the side.
            var nx = (a.Y * b.Z) - (a.Z * b.Y);
            var ny = (a.Z * b.X) - (a.X * b.Z);
            var nz = (a.X * b.Y) - (a.Y * b.X);
            _edges[i] = new Edge(points[i].Lat, points[i].Lon, points[j].Lat, points[j].Lon, nx, ny, nz, 1e-15 * Math.Max(1, Math.Sqrt((nx * nx) + (ny * ny) + (nz * nz))));
        }

        var env = Envelope.Of(points[0].Lon, points[0].Lat, points[0].Lon, points[0].Lat);
        foreach (var (lat, lon) in points)
        {
            env = env.Union(Envelope.Of(lon, lat, lon, lat));
        }

        Envelope = env;
    }

    public override string Keyword => "geoPolygon";

    public override Envelope Envelope { get; }

    public override JsValue ToJs() => JsValue.FromArray(_points.Select(p => JsValue.FromArray([Num(p.Lat), Num(p.Lon)])).ToArray());

    public override bool Covers(double lat, double lon) => Covers(lat, lon, Geodesy.ToVector(lat, lon));

    public override bool Covers(double lat, double lon, (double X, double Y, double Z) vector)
    {
        var winding = 0;
        foreach (ref readonly var edge in _edges.AsSpan())
        {
            if (edge.LonA == edge.LonB)
            {
                // Meridian edge: only matters for the boundary.
                if (lon == edge.LonA && lat >= Math.Min(edge.LatA, edge.LatB) && lat <= Math.Max(edge.LatA, edge.LatB))
                {
                    return true;
                }

                continue;
            }

            var eastward = edge.LonA < edge.LonB;
            var west = eastward ? edge.LonA : edge.LonB;
            var east = eastward ? edge.LonB : edge.LonA;
            if (lon < west || lon > east)
            {
                continue;
            }

            var side = (edge.Nx * vector.X) + (edge.Ny * vector.Y) + (edge.Nz * vector.Z);
            if (Math.Abs(side) <= edge.Tolerance)
            {
                return true;
            }

            // Half-open span so a ray through a vertex counts once; only edges north of the point cross the ray.
            var north = eastward ? side > 0 : side < 0;
            if (lon == east || north)
            {
                continue;
            }

            winding += eastward ? -1 : 1;
        }

        return winding != 0;
    }

    private readonly record struct Edge(double LatA, double LonA, double LatB, double LonB, double Nx, double Ny, double Nz, double Tolerance);
}

using Kuzzle.Realtime.Koncorde.Geo;
using Kuzzle.Realtime.Koncorde.Json;

namespace Kuzzle.Realtime.Koncorde.Transform;

// Standardizer: the geo keywords, rewritten to {geospatial: {<keyword>: {<field>: numeric shape}}}.
internal sealed partial class Standardizer
{
    private static readonly string[] BoxProperties = ["top", "left", "bottom", "right"];

    private static Term GeoBoundingBoxTerm(JsValue value, string path)
    {
        Checks.IsObject(value, path, properties: 1);
        var (field, raw) = value.Properties[0];
        var box = GeoKeys.ToCamelCase(raw);
        var fieldPath = PathAdd(path, field);
        double? top = null, left = null, bottom = null, right = null;
        if (BoxProperties.All(p => box.Get(p) is { Kind: JsKind.String or JsKind.Number }))
        {
            var n = new double[4];
            for (var i = 0; i < 4; i++)
            {
                n[i] = JsNumber.ParseFloat(box.Get(BoxProperties[i])!);
                if (double.IsNaN(n[i]))
                {
                    throw KoncordeException.At(fieldPath, $"unrecognized geoBoundingBox format: {StableJson.Stringify(box, sortKeys: false)}");
                }
            }

            (top, left, bottom, right) = (n[0], n[1], n[2], n[3]);
        }
        else if (box.Get("topLeft") is { IsTruthy: true } tl && box.Get("bottomRight") is { IsTruthy: true } br)
        {
            var topLeft = GeoPoint.Convert(tl);
            var bottomRight = GeoPoint.Convert(br);
            if (topLeft is not null && bottomRight is not null)
            {
                (top, left, bottom, right) = (topLeft.Value.Lat, topLeft.Value.Lon, bottomRight.Value.Lat, bottomRight.Value.Lon);
            }
        }

        if (top is null || left is null || bottom is null || right is null)
        {
            throw KoncordeException.At(fieldPath, "unrecognized geo-point format");
        }

        // Koncorde's spatial index refuses these when the filter is stored; we refuse them up front.
        if (bottom >= top)
        {
            throw new KoncordeException("min_lat argument cannot be greater or equal max_lat");
        }

        if (left >= right)
        {
            throw new KoncordeException("min_lon argument cannot be greater or equal max_lon");
        }

        return Term.Geospatial(field, new GeoBoundingBox(top.Value, left.Value, bottom.Value, right.Value));
    }

    private static Term GeoDistanceTerm(JsValue value, string path)
    {
        Checks.IsObject(value, path, properties: 2, required: ["distance"]);
        var distanceText = Checks.IsString(value.Get("distance"), PathAdd(path, "distance"));
        var (field, raw) = value.Properties.First(p => p.Key != "distance");
        var point = GeoPoint.Convert(raw) ?? throw KoncordeException.At(PathAdd(path, field), "unrecognized point format");
        var distance = DistanceConverter.ToMeters(distanceText);
        return Term.Geospatial(field, new GeoCircle(point.Lat, point.Lon, distance));
    }

    private static Term GeoDistanceRangeTerm(JsValue value, string path)
    {
        Checks.IsObject(value, path, properties: 3, required: ["from", "to"]);
        var (field, raw) = value.Properties.First(p => p.Key is not "from" and not "to");
        var from = DistanceConverter.ToMeters(Checks.IsString(value.Get("from"), PathAdd(path, "from")));
        var to = DistanceConverter.ToMeters(Checks.IsString(value.Get("to"), PathAdd(path, "to")));
        if (from >= to)
        {
            throw KoncordeException.At(path, "inner radius must be smaller than outer radius");
        }

        var point = GeoPoint.Convert(raw) ?? throw KoncordeException.At(PathAdd(path, field), "unrecognized point format");
        return Term.Geospatial(field, new GeoAnnulus(point.Lat, point.Lon, from, to));
    }

    private static Term GeoPolygonTerm(JsValue value, string path)
    {
        Checks.IsObject(value, path, properties: 1);
        var (field, spec) = value.Properties[0];
        var fieldPath = PathAdd(path, field);
        Checks.IsObject(spec, fieldPath, properties: 1, required: ["points"]);
        var pointsPath = PathAdd(fieldPath, "points");
        var points = spec.Get("points");
        Checks.IsArray(points, pointsPath, nonEmpty: false, itemType: null);
        if (points!.Items.Count < 3)
        {
            throw KoncordeException.At(pointsPath, "at least 3 points are required to build a polygon");
        }

        var converted = new (double Lat, double Lon)[points.Items.Count];
        for (var i = 0; i < converted.Length; i++)
        {
            var point = GeoPoint.Convert(points.Items[i])
                ?? throw KoncordeException.At(pointsPath, $"unrecognized point format \"{StableJson.Stringify(points.Items[i], sortKeys: false)}\"");
            converted[i] = (point.Lat, point.Lon);
        }

        return Term.Geospatial(field, new GeoPolygon(converted));
    }
}

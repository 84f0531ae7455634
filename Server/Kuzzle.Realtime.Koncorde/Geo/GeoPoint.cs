using System.Text.Json;
using Kuzzle.Realtime.Koncorde.Json;

namespace Kuzzle.Realtime.Koncorde.Geo;

/// <summary>A latitude/longitude pair in degrees.</summary>
internal readonly record struct GeoPoint(double Lat, double Lon)
{
    /// <summary>
    /// Koncorde's accepted geopoint formats: <c>[lat, lon]</c>, <c>"lat, lon"</c>, a geohash, <c>{lat, lon}</c>,
    /// <c>{latLon|lat_lon: any of those}</c>. Values go through JavaScript's parseFloat.
    /// </summary>
    public static GeoPoint? Convert(JsValue point)
    {
        if (!point.IsTruthy || (point.Kind != JsKind.String && point.Kind != JsKind.Array && point.Kind != JsKind.Object))
        {
            return null;
        }

        if (point.Kind == JsKind.String)
        {
            return FromString(point.String);
        }

        if (point.Kind == JsKind.Array)
        {
            return point.Items.Count == 2 ? ToCoordinate(point.Items[0], point.Items[1]) : null;
        }

        var camel = GeoKeys.ToCamelCase(point);
        var lat = camel.Get("lat");
        var lon = camel.Get("lon");
        if (lat is not null && lon is not null)
        {
            return ToCoordinate(lat, lon);
        }

        var latLon = camel.Get("latLon");
        if (latLon is null)
        {
            return null;
        }

        switch (latLon.Kind)
        {
            case JsKind.Array:
                return latLon.Items.Count == 2 ? ToCoordinate(latLon.Items[0], latLon.Items[1]) : null;
            case JsKind.Object:
                var innerLat = latLon.Get("lat");
                var innerLon = latLon.Get("lon");
                return innerLat is not null && innerLon is not null ? ToCoordinate(innerLat, innerLon) : null;
            case JsKind.String:
                return FromString(latLon.String);
            default:
                return null;
        }
    }

    /// <summary>Same conversion for a document value, avoiding allocations for the common array and string forms.</summary>
    public static GeoPoint? Convert(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var s = value.GetString()!;
                return s.Length == 0 ? null : FromString(s);
            case JsonValueKind.Array:
                if (value.GetArrayLength() != 2)
                {
                    return null;
                }

                var a = value[0];
                var b = value[1];
                if (a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number)
                {
                    return new GeoPoint(JsValue.ReadNumber(a), JsValue.ReadNumber(b));
                }

                return Convert(JsValue.FromElement(value));
            case JsonValueKind.Object:
                return Convert(JsValue.FromElement(value));
            default:
                return null;
        }
    }

    private static GeoPoint? FromString(string s)
    {
        var comma = s.IndexOf(',', StringComparison.Ordinal);
        if (comma >= 0 && s.IndexOf(',', comma + 1) < 0)
        {
            return ToCoordinate(JsNumber.ParseFloat(s[..comma]), JsNumber.ParseFloat(s[(comma + 1)..]));
        }

        if (comma < 0 && Geohash.IsGeohash(s))
        {
            var (lat, lon) = Geohash.Decode(s);
            return new GeoPoint(lat, lon);
        }

        return null;
    }

    private static GeoPoint? ToCoordinate(JsValue lat, JsValue lon) =>
        ToCoordinate(JsNumber.ParseFloat(lat), JsNumber.ParseFloat(lon));

    private static GeoPoint? ToCoordinate(double lat, double lon) =>
        double.IsNaN(lat) || double.IsNaN(lon) ? null : new GeoPoint(lat, lon);
}

/// <summary>Koncorde accepts snake_case geo keys and renames them to camelCase.</summary>
internal static class GeoKeys
{
    public static JsValue ToCamelCase(JsValue obj)
    {
        if (obj.Kind == JsKind.String)
        {
            // Object.keys of a string lists its character indexes: none of them is a geo key.
            return JsValue.FromProperties(obj.String.Select((c, i) => new KeyValuePair<string, JsValue>(i.ToString(System.Globalization.CultureInfo.InvariantCulture), JsValue.FromString(c.ToString()))));
        }

        if (obj.Kind == JsKind.Array)
        {
            return JsValue.FromProperties(obj.Items.Select((v, i) => new KeyValuePair<string, JsValue>(i.ToString(System.Globalization.CultureInfo.InvariantCulture), v)));
        }

        if (obj.Kind != JsKind.Object)
        {
            return JsValue.FromProperties([]);
        }

        return JsValue.FromProperties(obj.Properties.Select(p => new KeyValuePair<string, JsValue>(Rename(p.Key), p.Value)));
    }

    private static string Rename(string key) => key switch
    {
        "lat_lon" => "latLon",
        "top_left" => "topLeft",
        "bottom_right" => "bottomRight",
        _ => key,
    };
}

/// <summary>Geohash decoding (cell centre), matching ngeohash: unknown characters read as zero bits.</summary>
internal static class Geohash
{
    private const string Alphabet = "0123456789bcdefghjkmnpqrstuvwxyz";

    public static bool IsGeohash(string s)
    {
        if (s.Length < 4)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!(char.IsAsciiDigit(c) || c is >= 'a' and <= 'z'))
            {
                return false;
            }
        }

        return true;
    }

    public static (double Lat, double Lon) Decode(string hash)
    {
        double minLat = -90, maxLat = 90, minLon = -180, maxLon = 180;
        var isLon = true;
        foreach (var c in hash)
        {
            var value = Alphabet.IndexOf(char.ToLowerInvariant(c), StringComparison.Ordinal);
            if (value < 0)
            {
                value = 0;
            }

            for (var bits = 4; bits >= 0; bits--)
            {
                var bit = (value >> bits) & 1;
                if (isLon)
                {
                    var mid = (maxLon + minLon) / 2;
                    if (bit == 1)
                    {
                        minLon = mid;
                    }
                    else
                    {
                        maxLon = mid;
                    }
                }
                else
                {
                    var mid = (maxLat + minLat) / 2;
                    if (bit == 1)
                    {
                        minLat = mid;
                    }
                    else
                    {
                        maxLat = mid;
                    }
                }

                isLon = !isLon;
            }
        }

        return ((minLat + maxLat) / 2, (minLon + maxLon) / 2);
    }
}

namespace Kuzzle.Realtime.Koncorde.Geo;

/// <summary>
/// Geographic computations as Koncorde's spatial index performs them: distances on the WGS84 ellipsoid with
/// Andoyer's formula (Boost.Geometry's default geographic strategy), circle envelopes on a sphere of the
/// equatorial radius, polygon edges as great-circle arcs.
/// </summary>
internal static class Geodesy
{
    public const double EquatorialRadius = 6378137;
    private const double Flattening = 1 / 298.257223563;
    private const double DegToRad = Math.PI / 180;

    /// <summary>Distance in meters between two points (Andoyer inverse formula).</summary>
    public static double Distance(double lat1Deg, double lon1Deg, double lat2Deg, double lon2Deg)
    {
        var lat1 = lat1Deg * DegToRad;
        var lon1 = lon1Deg * DegToRad;
        var lat2 = lat2Deg * DegToRad;
        var lon2 = lon2Deg * DegToRad;
        if (NearlyEqual(lon1, lon2) && NearlyEqual(lat1, lat2))
        {
            return 0;
        }

        var dlon = lon2 - lon1;
        var sinLat1 = Math.Sin(lat1);
        var cosLat1 = Math.Cos(lat1);
        var sinLat2 = Math.Sin(lat2);
        var cosLat2 = Math.Cos(lat2);
        var cosD = Math.Clamp((sinLat1 * sinLat2) + (cosLat1 * cosLat2 * Math.Cos(dlon)), -1, 1);
        var d = Math.Acos(cosD);
        var sinD = Math.Sin(d);
        var k = (sinLat1 - sinLat2) * (sinLat1 - sinLat2);
        var l = (sinLat1 + sinLat2) * (sinLat1 + sinLat2);
        var threeSinD = 3 * sinD;
        var oneMinusCosD = 1 - cosD;
        var onePlusCosD = 1 + cosD;
        var h = NearlyEqual(oneMinusCosD, 0) ? 0 : (d + threeSinD) / oneMinusCosD;
        var g = NearlyEqual(onePlusCosD, 0) ? 0 : (d - threeSinD) / onePlusCosD;
        var dd = -(Flattening / 4) * ((h * k) + (g * l));
        return EquatorialRadius * (d + dd);
    }

    /// <summary>Koncorde's rough circle bounding box (spherical, equatorial radius).</summary>
    public static Envelope CircleEnvelope(double lat, double lon, double radius)
    {
        var dlat = radius / EquatorialRadius * (180 / Math.PI);
        var dlon = radius / (EquatorialRadius * Math.Cos(Math.PI * lat / 180)) * (180 / Math.PI);
        return Envelope.Of(lon - dlon, lat - dlat, lon + dlon, lat + dlat);
    }

    /// <summary>Unit vector of a point on the sphere.</summary>
    public static (double X, double Y, double Z) ToVector(double latDeg, double lonDeg)
    {
        var lat = latDeg * DegToRad;
        var lon = lonDeg * DegToRad;
        var c = Math.Cos(lat);
        return (c * Math.Cos(lon), c * Math.Sin(lon), Math.Sin(lat));
    }

    // Boost's math::equals: equal within machine epsilon relative to the magnitudes involved.
    private static bool NearlyEqual(double a, double b) =>
        a == b || Math.Abs(a - b) <= (2.220446049250313e-16 * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b))));
}

/// <summary>An axis-aligned lon/lat rectangle, bounds included.</summary>
internal readonly record struct Envelope(double MinLon, double MinLat, double MaxLon, double MaxLat)
{
    public static Envelope Of(double minLon, double minLat, double maxLon, double maxLat) => new(minLon, minLat, maxLon, maxLat);

    public bool Covers(double lat, double lon) => lon >= MinLon && lon <= MaxLon && lat >= MinLat && lat <= MaxLat;

    public Envelope Union(Envelope other) => new(
        Math.Min(MinLon, other.MinLon), Math.Min(MinLat, other.MinLat),
        Math.Max(MaxLon, other.MaxLon), Math.Max(MaxLat, other.MaxLat));
}

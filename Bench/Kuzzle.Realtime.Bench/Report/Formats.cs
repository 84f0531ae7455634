using System.Globalization;

namespace Kuzzle.Realtime.Bench.Report;

/// <summary>Number formats shared by the summary tables.</summary>
public static class Formats
{
    public static string Count(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
    public static string Fixed(double v, int digits) => double.IsNaN(v) ? "-" : v.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    public static string Fixed(double? v, int digits) => v is { } x ? Fixed(x, digits) : "-";
    public static string MiB(long? kib) => kib is { } k ? Fixed(k / 1024.0, 1) : "-";
}

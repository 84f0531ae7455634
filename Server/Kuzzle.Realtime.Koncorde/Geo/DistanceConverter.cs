using System.Text.RegularExpressions;
using Kuzzle.Realtime.Koncorde.Json;

namespace Kuzzle.Realtime.Koncorde.Geo;

/// <summary>
/// Converts Koncorde distance strings to meters, reproducing its unit parser (node-units 0.1.7):
/// lower-cased, spaces and dashes removed, ',' as decimal point, SI prefixes, plural forms. Like the
/// original, units are also resolved against the time table (a time unit converts to minutes).
/// </summary>
internal static partial class DistanceConverter
{
    private static readonly (string Pattern, double Modifier)[] ShortPrefixes =
    [
        ("da", 10), ("mu", 1e-6), ("m", 1e-3), ("h", 100), ("k", 1000), ("n", 1e-9), ("p", 1e-12),
        ("c", 1e-2), ("d", 1e-1), ("f", 1e-15), ("a", 1e-18), ("z", 1e-21), ("y", 1e-24),
    ];

    private static readonly (string Pattern, double Modifier)[] LongPrefixes =
    [
        ("milli", 1e-3), ("micro", 1e-6), ("nano", 1e-9), ("pico", 1e-12), ("centi", 1e-2), ("deci", 1e-1),
        ("femto", 1e-15), ("atto", 1e-18), ("zepto", 1e-21), ("yocto", 1e-24), ("deka", 10), ("hecto", 100),
        ("kilo", 1000), ("mega", 1e6), ("giga", 1e9), ("tera", 1e12), ("peta", 1e15), ("exa", 1e18),
        ("zeta", 1e21), ("yotta", 1e24),
    ];

    // unit name -> (base unit, factor); order of tables matters: the last compatible table wins.
    private static readonly Dictionary<string, (string Unit, double Value)> Time = new(StringComparer.Ordinal)
    {
        ["second"] = ("s", 1), ["sec"] = ("s", 1), ["s"] = ("s", 1),
        ["minute"] = ("s", 60), ["min"] = ("s", 60), ["m"] = ("s", 60),
        ["hour"] = ("s", 3600), ["hr"] = ("s", 3600), ["h"] = ("s", 3600),
        ["day"] = ("s", 86400), ["week"] = ("day", 7),
    };

    private static readonly Dictionary<string, (string Unit, double Value)> Distance = new(StringComparer.Ordinal)
    {
        ["meter"] = ("m", 1), ["m"] = ("m", 1), ["feet"] = ("m", 0.3048), ["ft"] = ("m", 0.3048),
        ["inch"] = ("m", 0.0254), ["in"] = ("m", 0.0254), ["yard"] = ("m", 0.9144), ["yd"] = ("m", 0.9144),
        ["mile"] = ("m", 1609.34), ["mi"] = ("m", 1609.34),
    };

    /// <summary>Meters for a distance string; throws Koncorde's plain (path-less) error when unparsable.</summary>
    public static double ToMeters(string distance)
    {
        var cleaned = StripRegex().Replace(distance, "").Replace(',', '.').ToLowerInvariant();
        cleaned = DigitLetterRegex().Replace(cleaned, "$1 $2", 1);
        var parts = ConversionRegex().Match(cleaned + " to m");
        if (!parts.Success)
        {
            throw Unparsable(distance);
        }

        var value = JsNumber.ParseFloat(parts.Groups[1].Value);
        (Dictionary<string, (string Unit, double Value)> Table, string Unit, double Modifier)? from = null;
        foreach (var candidate in Resolve(parts.Groups[2].Value))
        {
            // Target "m" exists in both tables with modifier 1: any candidate is compatible, the last one wins.
            from = candidate;
        }

        if (from is null)
        {
            throw Unparsable(distance);
        }

        var (table, unit, modifier) = from.Value;
        value *= modifier;
        return Convert(table, value, unit, 5) ?? throw Unparsable(distance);
    }

    private static double? Convert(Dictionary<string, (string Unit, double Value)> table, double value, string from, int maxCalls)
    {
        if (maxCalls <= 0 || !table.TryGetValue(from, out var fromBase) || !table.TryGetValue("m", out var toBase))
        {
            return null;
        }

        if (fromBase.Unit == "m")
        {
            return value * fromBase.Value;
        }

        if (toBase.Unit == fromBase.Unit)
        {
            return value * fromBase.Value / toBase.Value;
        }

        var result = Convert(table, fromBase.Value, fromBase.Unit, maxCalls - 1);
        return result is null ? null : value * result.Value;
    }

    private static IEnumerable<(Dictionary<string, (string Unit, double Value)> Table, string Unit, double Modifier)> Resolve(string unit)
    {
        var variations = Variations(unit);
        foreach (var table in new[] { Time, Distance })
        {
            foreach (var variation in variations)
            {
                if (table.ContainsKey(variation))
                {
                    yield return (table, variation, 1);
                    continue;
                }

                var (stripped, modifier) = Modifier(variation);
                if (table.ContainsKey(stripped))
                {
                    yield return (table, stripped, modifier);
                }
            }
        }
    }

    private static List<string> Variations(string unit)
    {
        var list = new List<string> { unit };
        if (unit.Length == 2)
        {
            return list;
        }

        foreach (var suffix in new[] { "s", "es", "ies" })
        {
            if (unit.EndsWith(suffix, StringComparison.Ordinal))
            {
                list.Add(unit[..^suffix.Length]);
            }
        }

        return list;
    }

    private static (string Unit, double Modifier) Modifier(string unit)
    {
        var prefixes = unit.Length > 3 ? LongPrefixes : ShortPrefixes;
        foreach (var (pattern, modifier) in prefixes)
        {
            if (unit.StartsWith(pattern, StringComparison.OrdinalIgnoreCase))
            {
                return (unit[pattern.Length..], modifier);
            }
        }

        return (unit, 1);
    }

    private static KoncordeException Unparsable(string distance) => new($"unable to parse distance value \"{distance}\"");

    [GeneratedRegex(@"[-\s]")]
    private static partial Regex StripRegex();

    [GeneratedRegex("([0-9])([a-z])")]
    private static partial Regex DigitLetterRegex();

    [GeneratedRegex(@"^(.*?)\s([a-zA-Z]+)\sto\s([a-zA-Z]+)$", RegexOptions.IgnoreCase)]
    private static partial Regex ConversionRegex();
}

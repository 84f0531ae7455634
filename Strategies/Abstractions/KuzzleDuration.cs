using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Kuzzle.Realtime.Strategies;

/// <summary>Durations as Kuzzle's configuration writes them (the npm <c>ms</c> package): a number of ms, or <c>"2h"</c>, <c>"7 days"</c>, <c>"3600000"</c>.</summary>
public static partial class KuzzleDuration
{
    /// <summary>Parses a JSON number (milliseconds) or an <c>ms</c>-style string; null when unparsable.</summary>
    public static double? TryParse(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String => TryParse(value.GetString()!),
        _ => null,
    };

    /// <summary>Parses an <c>ms</c>-style string to milliseconds; null when unparsable.</summary>
    public static double? TryParse(string text)
    {
        if (text.Length is 0 or > 100)
        {
            return null;
        }

        var match = MsPattern().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var amount = double.Parse(match.Groups["n"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        var unit = match.Groups["u"].Value.ToLowerInvariant();
        const double second = 1000, minute = 60 * second, hour = 60 * minute, day = 24 * hour, week = 7 * day, year = 365.25 * day;
        double factor = unit switch
        {
            "years" or "year" or "yrs" or "yr" or "y" => year,
            "weeks" or "week" or "w" => week,
            "days" or "day" or "d" => day,
            "hours" or "hour" or "hrs" or "hr" or "h" => hour,
            "minutes" or "minute" or "mins" or "min" or "m" => minute,
            "seconds" or "second" or "secs" or "sec" or "s" => second,
            _ => 1,
        };
        return amount * factor;
    }

    [GeneratedRegex(@"^(?<n>-?\d*\.?\d+) *(?<u>milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MsPattern();
}

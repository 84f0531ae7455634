using System.Globalization;

namespace Kuzzle.Realtime.Server.Configuration;

/// <summary>Parses Kuzzle's size strings (<c>"1MB"</c>, <c>"512kb"</c>, <c>"1048576"</c>); units are powers of 1024.</summary>
public static class ByteSize
{
    /// <summary>Parses a size; returns false for anything that is not a positive size.</summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim().ToUpperInvariant();
        long multiplier = 1;
        foreach (var (suffix, m) in Units)
        {
            if (s.EndsWith(suffix, StringComparison.Ordinal))
            {
                multiplier = m;
                s = s[..^suffix.Length].Trim();
                break;
            }
        }

        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0 || !double.IsFinite(value))
        {
            return false;
        }

        var total = value * multiplier;
        if (total > long.MaxValue / 2)
        {
            return false;
        }

        bytes = (long)total;
        return bytes > 0;
    }

    private static readonly (string Suffix, long Multiplier)[] Units =
    [
        ("TB", 1L << 40), ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10), ("B", 1),
    ];
}

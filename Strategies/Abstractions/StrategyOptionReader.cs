using System.Text.Json;

namespace Kuzzle.Realtime.Strategies;

/// <summary>
/// Reads a strategy's configuration object with errors that name the faulty key, so every plugin reports bad settings
/// the same way (<see cref="StrategyConfigurationException"/> at startup).
/// </summary>
/// <param name="strategy">The strategy name, quoted in errors.</param>
/// <param name="section">The JSON object to read; Undefined/Null read as an empty object.</param>
public readonly struct StrategyOptionReader(string strategy, JsonElement section)
{
    /// <summary>The object being read.</summary>
    public JsonElement Section { get; } = section;

    /// <summary>Whether the key is present (and not null).</summary>
    public bool Has(string key) => TryGet(key, out _);

    /// <summary>A nested object (empty reader when absent).</summary>
    public StrategyOptionReader Nested(string key) =>
        !TryGet(key, out var value) ? new(strategy, default)
        : value.ValueKind == JsonValueKind.Object ? new(strategy, value)
        : throw Invalid(key, "an object");

    /// <summary>A string, or <paramref name="fallback"/> when absent.</summary>
    public string? Text(string key, string? fallback = null) =>
        !TryGet(key, out var value) ? fallback
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw Invalid(key, "a string");

    /// <summary>A non-empty string; absent or empty is an error.</summary>
    public string RequiredText(string key) =>
        Text(key) is { Length: > 0 } s ? s : throw new StrategyConfigurationException($"Strategy \"{strategy}\": \"{key}\" is required.");

    /// <summary>A boolean, or <paramref name="fallback"/> when absent.</summary>
    public bool Boolean(string key, bool fallback) =>
        !TryGet(key, out var value) ? fallback
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw Invalid(key, "a boolean");

    /// <summary>A list of strings (a single string counts as a one-element list), or <paramref name="fallback"/> when absent.</summary>
    public IReadOnlyList<string> Strings(string key, IReadOnlyList<string> fallback)
    {
        if (!TryGet(key, out var value))
        {
            return fallback;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return [value.GetString()!];
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            throw Invalid(key, "an array of strings");
        }

        return [.. value.EnumerateArray().Select(v => v.GetString()!)];
    }

    /// <summary>An object of string values (for mappings), empty when absent.</summary>
    public IReadOnlyDictionary<string, string> StringMap(string key)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in Nested(key).Properties())
        {
            map[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw Invalid($"{key}.{p.Name}", "a string");
        }

        return map;
    }

    /// <summary>An object whose values are string lists (a single string allowed), empty when absent.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> StringListMap(string key)
    {
        var obj = Nested(key);
        var map = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in obj.Properties())
        {
            map[p.Name] = obj.Strings(p.Name, []);
        }

        return map;
    }

    /// <summary>A duration (ms number or <c>ms</c>-style string such as <c>"10s"</c>) bounded to [min, max], or the fallback.</summary>
    public TimeSpan Duration(string key, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        if (!TryGet(key, out var value))
        {
            return fallback;
        }

        var ms = KuzzleDuration.TryParse(value) ?? throw Invalid(key, "a duration (milliseconds or a string such as \"10s\")");
        var duration = TimeSpan.FromMilliseconds(ms);
        return duration >= min && duration <= max
            ? duration
            : throw new StrategyConfigurationException($"Strategy \"{strategy}\": \"{key}\" must be between {min} and {max}.");
    }

    /// <summary>An absolute http(s) URL, or null when absent.</summary>
    public Uri? Url(string key)
    {
        var text = Text(key);
        if (text is null)
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw Invalid(key, "an absolute http(s) URL");
    }

    /// <summary>The object's properties (none when it is absent).</summary>
    public IEnumerable<JsonProperty> Properties() =>
        Section.ValueKind == JsonValueKind.Object ? Section.EnumerateObject() : [];

    /// <summary>An error naming <paramref name="key"/> and what it must be.</summary>
    public StrategyConfigurationException Invalid(string key, string expected) =>
        new($"Strategy \"{strategy}\": \"{key}\" must be {expected}.");

    private bool TryGet(string key, out JsonElement value)
    {
        value = default;
        return Section.ValueKind == JsonValueKind.Object && Section.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null;
    }
}

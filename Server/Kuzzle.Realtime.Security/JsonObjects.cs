using System.Text.Json;

namespace Kuzzle.Realtime.Security;

/// <summary>JSON reading helpers shared by the parsers: JavaScript object semantics over <see cref="JsonElement"/>.</summary>
internal static class JsonObjects
{
    /// <summary>
    /// The properties of an object in first-appearance order, a repeated key keeping its first position and its
    /// last value (what <c>JSON.parse</c> produces).
    /// </summary>
    public static List<KeyValuePair<string, JsonElement>> Properties(JsonElement obj)
    {
        var list = new List<KeyValuePair<string, JsonElement>>();
        Dictionary<string, int>? positions = null;
        foreach (var property in obj.EnumerateObject())
        {
            positions ??= new Dictionary<string, int>(StringComparer.Ordinal);
            if (positions.TryGetValue(property.Name, out var at))
            {
                list[at] = new(property.Name, property.Value);
            }
            else
            {
                positions[property.Name] = list.Count;
                list.Add(new(property.Name, property.Value));
            }
        }

        return list;
    }

    /// <summary>The last value of <paramref name="name"/> (JavaScript: a repeated key keeps its last value).</summary>
    public static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        var found = false;
        value = default;
        foreach (var property in obj.EnumerateObject())
        {
            if (property.NameEquals(name))
            {
                value = property.Value;
                found = true;
            }
        }

        return found;
    }

    /// <summary>Absent, <c>undefined</c> or <c>null</c>.</summary>
    public static bool IsNullish(JsonElement value) =>
        value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;

    /// <summary>The request or stored body must be a JSON object.</summary>
    public static void RequireObjectBody(JsonElement body)
    {
        if (IsNullish(body))
        {
            throw new SecurityValidationException(SecurityErrorIds.BodyRequired);
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new SecurityValidationException(SecurityErrorIds.InvalidType, "body", "object");
        }
    }
}

using System.Text.Json;

namespace Kuzzle.Realtime.Security;

/// <summary>
/// One item of a rights listing (security.md §3.4). <see cref="Index"/>/<see cref="Collection"/> are <c>"*"</c> when
/// unrestricted; controller and action wildcards are kept as written in the role.
/// </summary>
public readonly record struct RightsItem(string Controller, string Action, string Index, string Collection, bool Allowed)
{
    /// <summary><c>"allowed"</c> or <c>"denied"</c>, as on the wire.</summary>
    public string Value => Allowed ? "allowed" : "denied";

    /// <summary>Writes <c>{"action","collection","controller","index","value"}</c> (Kuzzle's key order).</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("action", Action);
        writer.WriteString("collection", Collection);
        writer.WriteString("controller", Controller);
        writer.WriteString("index", Index);
        writer.WriteString("value", Value);
        writer.WriteEndObject();
    }

    /// <summary>Writes the result of getUserRights / getProfileRights / getMyRights: <c>{"hits":[…],"total":n}</c>.</summary>
    public static void WriteListing(Utf8JsonWriter writer, IReadOnlyList<RightsItem> items)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(items);
        writer.WriteStartObject();
        writer.WriteStartArray("hits");
        foreach (var item in items)
        {
            item.WriteTo(writer);
        }

        writer.WriteEndArray();
        writer.WriteNumber("total", items.Count);
        writer.WriteEndObject();
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Protocol.Errors;

namespace Kuzzle.Realtime.Security.Store.Search;

/// <summary>
/// Stateless scroll ids: the search (collection, body, next offset, page size, expiry) encoded and signed with a key every node
/// shares, so any node can continue a scroll and nobody can forge or extend one. Unknown, tampered or expired ⇒ 404
/// <c>services.storage.unknown_scroll_id</c>.
/// </summary>
public sealed class ScrollCursor
{
    /// <summary>Kuzzle's <c>services.storageEngine.maxScrollDuration</c>.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(1);

    /// <summary>Kuzzle's default scroll TTL, used when a scroll page renews the cursor (security.md §7.3).</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(15);

    public ScrollCursor(string collection, string body, int offset, int size, long expiresAt)
    {
        Collection = collection;
        Body = body;
        Offset = offset;
        Size = size;
        ExpiresAt = expiresAt;
    }

    public string Collection { get; }

    /// <summary>The original search body (JSON text; <c>lang</c> already applied).</summary>
    public string Body { get; }

    public int Offset { get; }

    public int Size { get; }

    /// <summary>Unix ms.</summary>
    public long ExpiresAt { get; }

    /// <summary>Parses a scroll TTL (<c>"30s"</c>, <c>"1m"</c>, <c>"500ms"</c>, a number of ms); above 1 minute ⇒ <c>scroll_duration_too_great</c>.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var units = new (string Suffix, double Ms)[] { ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000) };
        double? milliseconds = null;
        foreach (var (suffix, ms) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
            {
                milliseconds = n * ms;
                break;
            }
        }

        if (milliseconds is null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain))
        {
            milliseconds = plain;
        }

        // Compared as a number first: "1e400" or "9e20d" is too great, not a TimeSpan overflow.
        if (milliseconds is not { } value || double.IsNaN(value) || value <= 0)
        {
            throw KuzzleErrors.Api.Assert.InvalidArgument.Create("scroll", "a duration such as \"30s\" or \"1m\"");
        }

        return value > MaxDuration.TotalMilliseconds
            ? throw KuzzleErrors.Services.Storage.ScrollDurationTooGreat.Create(text)
            : TimeSpan.FromMilliseconds(value);
    }

    /// <summary>The signed id.</summary>
    public string Encode(byte[] key)
    {
        var payload = new JsonObject { ["c"] = Collection, ["b"] = Body, ["o"] = Offset, ["s"] = Size, ["e"] = ExpiresAt }.ToJsonString();
        var bytes = Encoding.UTF8.GetBytes(payload);
        return Base64Url(bytes) + "." + Base64Url(HMACSHA256.HashData(key, bytes));
    }

    /// <summary>Reads and verifies a scroll id for <paramref name="collection"/>.</summary>
    public static ScrollCursor Decode(string scrollId, string collection, byte[] key, long now)
    {
        ArgumentNullException.ThrowIfNull(scrollId);
        var dot = scrollId.IndexOf('.', StringComparison.Ordinal);
        try
        {
            if (dot > 0)
            {
                var bytes = FromBase64Url(scrollId[..dot]);
                var signature = FromBase64Url(scrollId[(dot + 1)..]);
                if (CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(key, bytes)))
                {
                    var o = JsonNode.Parse(bytes)!.AsObject();
                    var cursor = new ScrollCursor(
                        o["c"]!.GetValue<string>(), o["b"]!.GetValue<string>(), o["o"]!.GetValue<int>(), o["s"]!.GetValue<int>(), o["e"]!.GetValue<long>());
                    if (cursor.Collection == collection && cursor.ExpiresAt > now)
                    {
                        return cursor;
                    }
                }
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or NullReferenceException)
        {
            // Falls through: not one of ours.
        }

        throw KuzzleErrors.Services.Storage.UnknownScrollId.Create();
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}

using System.Text.Json;

namespace Kuzzle.Realtime.Client;

/// <summary>
/// A successful API response. <see cref="Result"/> and <see cref="Volatile"/> are views into the received message, kept
/// alive by this object; the other fields are read from it on access.
/// </summary>
public sealed class KuzzleResponse
{
    internal KuzzleResponse(string requestId, int status, JsonElement raw)
    {
        RequestId = requestId;
        Status = status;
        Raw = raw;
    }

    /// <summary>The request id this response answers.</summary>
    public string RequestId { get; }

    /// <summary>Status (200, or 206 for a partial error).</summary>
    public int Status { get; }

    /// <summary>The whole response envelope as received.</summary>
    public JsonElement Raw { get; }

    /// <summary>The action's result (<see cref="JsonValueKind.Null"/> when none).</summary>
    public JsonElement Result => Property("result");

    /// <summary>The request's volatile data echoed back (<see cref="JsonValueKind.Null"/> when none).</summary>
    public JsonElement Volatile => Property("volatile");

    /// <summary>Controller of the request.</summary>
    public string? Controller => StringProperty("controller");

    /// <summary>Action of the request.</summary>
    public string? Action => StringProperty("action");

    /// <summary>Index argument of the request, if any.</summary>
    public string? Index => StringProperty("index");

    /// <summary>Collection argument of the request, if any.</summary>
    public string? Collection => StringProperty("collection");

    /// <summary>Id of the server node that answered.</summary>
    public string? Node => StringProperty("node");

    private JsonElement Property(string name) =>
        Raw.ValueKind == JsonValueKind.Object && Raw.TryGetProperty(name, out var value) ? value : Null;

    private string? StringProperty(string name) => Property(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static readonly JsonElement Null = ParseNull();

    private static JsonElement ParseNull()
    {
        using var document = JsonDocument.Parse("null");
        return document.RootElement.Clone();
    }
}

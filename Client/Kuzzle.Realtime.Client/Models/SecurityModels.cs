using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kuzzle.Realtime.Client.Models;

/// <summary>A security profile: id and content (<c>policies</c>, <c>rateLimit</c>, …).</summary>
public sealed record KuzzleProfile
{
    /// <summary>Profile id.</summary>
    [JsonPropertyName("_id")]
    public string Id { get; init; } = "";

    /// <summary>Content (<c>_source</c>).</summary>
    [JsonPropertyName("_source")]
    public JsonElement Content { get; init; }
}

/// <summary>A security role: id and content (<c>controllers</c>).</summary>
public sealed record KuzzleRole
{
    /// <summary>Role id.</summary>
    [JsonPropertyName("_id")]
    public string Id { get; init; } = "";

    /// <summary>Content (<c>_source</c>).</summary>
    [JsonPropertyName("_source")]
    public JsonElement Content { get; init; }
}

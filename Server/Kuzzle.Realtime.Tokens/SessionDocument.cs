using System.Text.Json.Serialization;

namespace Kuzzle.Realtime.Tokens;

/// <summary>What the session store keeps for a session token (never the token itself: the session id is its hash).</summary>
internal sealed class SessionDocument
{
    [JsonPropertyName("userId")]
    public string UserId { get; set; } = "";

    [JsonPropertyName("expiresAt")]
    public long ExpiresAt { get; set; }

    [JsonPropertyName("ttl")]
    public long Ttl { get; set; }

    [JsonPropertyName("refreshed")]
    public bool Refreshed { get; set; }

    [JsonPropertyName("singleUse")]
    public bool SingleUse { get; set; }
}

/// <summary>An API key as stored: Kuzzle's <c>_source</c> (the token itself is never stored, only its fingerprint).</summary>
internal sealed class ApiKeyDocument
{
    [JsonPropertyName("description")]
    public string Description { get; set; } = "";

    [JsonPropertyName("expiresAt")]
    public long ExpiresAt { get; set; }

    [JsonPropertyName("fingerprint")]
    public string Fingerprint { get; set; } = "";

    [JsonPropertyName("ttl")]
    public long Ttl { get; set; }

    [JsonPropertyName("userId")]
    public string UserId { get; set; } = "";
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kuzzle.Realtime.Client.Models;

/// <summary>A token issued by <c>auth:login</c> or <c>auth:refreshToken</c>.</summary>
public sealed record AuthToken
{
    /// <summary>Id (kuid) of the authenticated user.</summary>
    [JsonPropertyName("_id")]
    public string Id { get; init; } = "";

    /// <summary>Expiry, epoch milliseconds (-1: never).</summary>
    [JsonPropertyName("expiresAt")]
    public long ExpiresAt { get; init; }

    /// <summary>The token.</summary>
    [JsonPropertyName("jwt")]
    public string Jwt { get; init; } = "";

    /// <summary>Lifetime in milliseconds (-1: never expires).</summary>
    [JsonPropertyName("ttl")]
    public long Ttl { get; init; }
}

/// <summary>Result of <c>auth:checkToken</c>.</summary>
public sealed record TokenValidity
{
    /// <summary>True when the token is valid.</summary>
    [JsonPropertyName("valid")]
    public bool Valid { get; init; }

    /// <summary>Why it is not valid (absent when valid).</summary>
    [JsonPropertyName("state")]
    public string? State { get; init; }

    /// <summary>Expiry of a valid token, epoch milliseconds.</summary>
    [JsonPropertyName("expiresAt")]
    public long? ExpiresAt { get; init; }

    /// <summary>Owner of a valid token.</summary>
    [JsonPropertyName("kuid")]
    public string? Kuid { get; init; }
}

/// <summary>A user: id and content (<c>profileIds</c> and the application's own fields).</summary>
public sealed record KuzzleUser
{
    /// <summary>kuid.</summary>
    [JsonPropertyName("_id")]
    public string Id { get; init; } = "";

    /// <summary>The user's content (<c>_source</c>).</summary>
    [JsonPropertyName("_source")]
    public JsonElement Content { get; init; }

    /// <summary>Profiles of the user, read from the content.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> ProfileIds =>
        Content.ValueKind == JsonValueKind.Object && Content.TryGetProperty("profileIds", out var ids) && ids.ValueKind == JsonValueKind.Array
            ? [.. ids.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)]
            : [];
}

/// <summary>One right of a user (<c>auth:getMyRights</c>, <c>security:getUserRights</c>, <c>security:getProfileRights</c>).</summary>
public sealed record UserRight
{
    /// <summary>Controller (<c>*</c> for all).</summary>
    [JsonPropertyName("controller")]
    public string Controller { get; init; } = "";

    /// <summary>Action (<c>*</c> for all).</summary>
    [JsonPropertyName("action")]
    public string Action { get; init; } = "";

    /// <summary>Index (<c>*</c> for all).</summary>
    [JsonPropertyName("index")]
    public string Index { get; init; } = "";

    /// <summary>Collection (<c>*</c> for all).</summary>
    [JsonPropertyName("collection")]
    public string Collection { get; init; } = "";

    /// <summary><c>allowed</c>, <c>denied</c> or <c>conditional</c>.</summary>
    [JsonPropertyName("value")]
    public string Value { get; init; } = "";
}

/// <summary>An API key. <see cref="ApiKeyContent.Token"/> is only present in the answer of its creation.</summary>
public sealed record ApiKey
{
    /// <summary>Id of the key.</summary>
    [JsonPropertyName("_id")]
    public string Id { get; init; } = "";

    /// <summary>Its content.</summary>
    [JsonPropertyName("_source")]
    public ApiKeyContent Content { get; init; } = new();
}

/// <summary>Content of an API key.</summary>
public sealed record ApiKeyContent
{
    /// <summary>Description given at creation.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>Expiry, epoch milliseconds (-1: never).</summary>
    [JsonPropertyName("expiresAt")]
    public long ExpiresAt { get; init; }

    /// <summary>Lifetime in milliseconds (-1: never).</summary>
    [JsonPropertyName("ttl")]
    public long Ttl { get; init; }

    /// <summary>Owner.</summary>
    [JsonPropertyName("userId")]
    public string? UserId { get; init; }

    /// <summary>The key itself (creation answer only).</summary>
    [JsonPropertyName("token")]
    public string? Token { get; init; }
}

/// <summary>A page of search results.</summary>
public sealed record SearchResult<T>
{
    /// <summary>The hits of this page.</summary>
    [JsonPropertyName("hits")]
    public IReadOnlyList<T> Hits { get; init; } = [];

    /// <summary>Total number of matches.</summary>
    [JsonPropertyName("total")]
    public long Total { get; init; }

    /// <summary>Scroll id for the next page, when the search was made with <c>scroll</c>.</summary>
    [JsonPropertyName("scrollId")]
    public string? ScrollId { get; init; }
}

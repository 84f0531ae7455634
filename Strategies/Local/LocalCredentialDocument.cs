using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kuzzle.Realtime.Strategies.Local;

/// <summary>
/// A password as stored: an argon2id PHC string (<see cref="Hash"/>), or a hash imported from Kuzzle with the fields of
/// its plugin (<c>userPassword</c>, <c>userSalt</c>, <c>algorithm</c>, <c>stretching</c>, <c>encryption</c>).
/// </summary>
internal class StoredPassword
{
    /// <summary>argon2id PHC string (ours).</summary>
    [JsonPropertyName("hash")]
    public string? Hash { get; set; }

    [JsonPropertyName("userPassword")]
    public string? UserPassword { get; set; }

    [JsonPropertyName("userSalt")]
    public string? UserSalt { get; set; }

    [JsonPropertyName("algorithm")]
    public string? Algorithm { get; set; }

    [JsonPropertyName("stretching")]
    public bool? Stretching { get; set; }

    [JsonPropertyName("encryption")]
    public string? Encryption { get; set; }

    [JsonPropertyName("pepper")]
    public bool? Pepper { get; set; }

    /// <summary>History entries: when the password was replaced (ms since epoch).</summary>
    [JsonPropertyName("archivedAt")]
    public long? ArchivedAt { get; set; }

    /// <summary>When the password was set (ms since epoch).</summary>
    [JsonPropertyName("updatedAt")]
    public long? UpdatedAt { get; set; }

    [JsonIgnore]
    public bool IsLegacy => Hash is null && UserPassword is not null;

    public StoredPassword ToHistoryEntry(long archivedAt) => new()
    {
        Hash = Hash,
        UserPassword = UserPassword,
        UserSalt = UserSalt,
        Algorithm = Algorithm,
        Stretching = Stretching,
        Encryption = Encryption,
        Pepper = Pepper,
        ArchivedAt = archivedAt,
        UpdatedAt = UpdatedAt,
    };

    public void SetArgon2(string phc)
    {
        Hash = phc;
        UserPassword = UserSalt = Algorithm = Encryption = null;
        Stretching = Pepper = null;
    }
}

/// <summary>
/// One local credential document (collection <c>users</c>, id = username). Documents imported from Kuzzle keep their
/// extra fields (<c>_kuzzle_info</c> is read for the password date).
/// </summary>
internal sealed class LocalCredentialDocument : StoredPassword
{
    [JsonPropertyName("kuid")]
    public string Kuid { get; set; } = "";

    /// <summary>Who set the password (the caller's kuid), for <c>mustChangePasswordIfSetByAdmin</c>.</summary>
    [JsonPropertyName("updater")]
    public string? Updater { get; set; }

    [JsonPropertyName("createdAt")]
    public long? CreatedAt { get; set; }

    [JsonPropertyName("passwordHistory")]
    public List<StoredPassword>? PasswordHistory { get; set; }

    [JsonPropertyName("_kuzzle_info")]
    public KuzzleInfo? KuzzleInfo { get; set; }

    /// <summary>When the password was last set (ms since epoch), as the plugin reads it: updated, else created.</summary>
    [JsonIgnore]
    public long? PasswordDate => UpdatedAt ?? KuzzleInfo?.UpdatedAt ?? CreatedAt ?? KuzzleInfo?.CreatedAt;

    public static LocalCredentialDocument Read(JsonElement source) =>
        source.Deserialize(LocalJsonContext.Default.LocalCredentialDocument) ?? throw new JsonException("null credential document");

    public JsonElement Write() => JsonSerializer.SerializeToElement(this, LocalJsonContext.Default.LocalCredentialDocument);
}

/// <summary>Kuzzle's document metadata, present on imported documents.</summary>
internal sealed class KuzzleInfo
{
    [JsonPropertyName("createdAt")]
    public long? CreatedAt { get; set; }

    [JsonPropertyName("updatedAt")]
    public long? UpdatedAt { get; set; }
}

/// <summary>The reset-token secret document (collection <c>config</c>, id <c>resetTokenSecret</c>).</summary>
internal sealed class ResetSecretDocument
{
    [JsonPropertyName("secret")]
    public string Secret { get; set; } = "";
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(LocalCredentialDocument))]
[JsonSerializable(typeof(ResetSecretDocument))]
internal sealed partial class LocalJsonContext : JsonSerializerContext;

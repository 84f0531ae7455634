using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kuzzle.Realtime.Client.Models;

/// <summary>Source-generated (reflection-free, trimming and AOT safe) serialization of the typed results.</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = false, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(AuthToken))]
[JsonSerializable(typeof(TokenValidity))]
[JsonSerializable(typeof(KuzzleUser))]
[JsonSerializable(typeof(UserRight))]
[JsonSerializable(typeof(ApiKey))]
[JsonSerializable(typeof(SearchResult<ApiKey>))]
[JsonSerializable(typeof(SearchResult<KuzzleUser>))]
[JsonSerializable(typeof(SearchResult<KuzzleProfile>))]
[JsonSerializable(typeof(SearchResult<KuzzleRole>))]
[JsonSerializable(typeof(KuzzleProfile))]
[JsonSerializable(typeof(KuzzleRole))]
[JsonSerializable(typeof(IReadOnlyList<UserRight>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyList<KuzzleUser>))]
[JsonSerializable(typeof(IReadOnlyList<KuzzleProfile>))]
[JsonSerializable(typeof(IReadOnlyList<KuzzleRole>))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;

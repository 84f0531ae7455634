using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Kuzzle.Realtime.Client.Controllers;

/// <summary>What every typed controller shares: its name, and reading typed results.</summary>
public abstract class ControllerBase
{
    private protected ControllerBase(KuzzleClient client, string name)
    {
        Client = client;
        Name = name;
    }

    /// <summary>Controller name on the wire.</summary>
    public string Name { get; }

    private protected KuzzleClient Client { get; }

    private protected KuzzleRequest Request(string action) => new(Name, action);

    private protected Task<KuzzleResponse> QueryAsync(KuzzleRequest request, CancellationToken cancellationToken) =>
        Client.QueryAsync(request, null, cancellationToken);

    private protected async Task<JsonElement> ResultAsync(KuzzleRequest request, CancellationToken cancellationToken) =>
        (await Client.QueryAsync(request, null, cancellationToken).ConfigureAwait(false)).Result;

    private protected async Task<T> ResultAsync<T>(KuzzleRequest request, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        Read((await Client.QueryAsync(request, null, cancellationToken).ConfigureAwait(false)).Result, type);

    /// <summary>A property of the result (<c>result.exists</c>…).</summary>
    private protected async Task<JsonElement> ResultPropertyAsync(KuzzleRequest request, string property, CancellationToken cancellationToken)
    {
        var result = await ResultAsync(request, cancellationToken).ConfigureAwait(false);
        return result.ValueKind == JsonValueKind.Object && result.TryGetProperty(property, out var value)
            ? value
            : throw Unexpected(request, result);
    }

    private protected async Task<bool> ResultBooleanAsync(KuzzleRequest request, string? property, CancellationToken cancellationToken)
    {
        var value = property is null
            ? await ResultAsync(request, cancellationToken).ConfigureAwait(false)
            : await ResultPropertyAsync(request, property, cancellationToken).ConfigureAwait(false);
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Unexpected(request, value),
        };
    }

    private protected static T Read<T>(JsonElement element, JsonTypeInfo<T> type)
    {
        try
        {
            return element.Deserialize(type) ?? throw ClientErrors.Create(ClientErrors.BadResponse, 502, $"Expected {typeof(T).Name}, got null.");
        }
        catch (JsonException e)
        {
            throw ClientErrors.Create(ClientErrors.BadResponse, 502, $"Unexpected result shape for {typeof(T).Name}: {e.Message}", e);
        }
    }

    private protected static KuzzleException Unexpected(KuzzleRequest request, JsonElement result) =>
        ClientErrors.Create(ClientErrors.BadResponse, 502, $"Unexpected result for {request}: {result.GetRawText()}");

    /// <summary>The <c>{"ids": [...]}</c> body of the m* actions.</summary>
    private protected static JsonObject IdsBody(IEnumerable<string> ids) => new() { ["ids"] = new JsonArray([.. ids.Select(id => (JsonNode)id)]) };
}

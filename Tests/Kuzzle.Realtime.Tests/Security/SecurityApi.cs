using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Security;

/// <summary>Sends security requests over a WebSocket and reads their envelopes.</summary>
internal sealed class SecurityApi(WsClient ws)
{
    public async Task<JsonElement> CallAsync(string controller, string action, JsonObject? args = null, JsonNode? body = null)
    {
        var request = args?.DeepClone().AsObject() ?? [];
        request["controller"] = controller;
        request["action"] = action;
        request["requestId"] = Guid.NewGuid().ToString("N");
        if (body is not null)
        {
            request["body"] = body.DeepClone();
        }

        return await ws.RequestAsync(request.ToJsonString());
    }

    public Task<JsonElement> SecurityAsync(string action, JsonObject? args = null, JsonNode? body = null) => CallAsync("security", action, args, body);

    public static int Status(JsonElement response) => response.GetProperty("status").GetInt32();

    public static string? ErrorId(JsonElement response) =>
        response.GetProperty("error") is { ValueKind: JsonValueKind.Object } error && error.TryGetProperty("id", out var id) ? id.GetString() : null;

    public static JsonElement Result(JsonElement response) => response.GetProperty("result");

    public static JsonNode Json(string text) => JsonNode.Parse(text)!;
}

using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Client;

/// <summary>
/// A raw API request: controller, action and the keys Kuzzle reads (<c>index</c>, <c>collection</c>, <c>_id</c>, <c>body</c>,
/// <c>volatile</c>), plus any other argument through the indexer (<c>request["strategy"] = "local"</c>).
/// </summary>
public sealed class KuzzleRequest
{
    private Dictionary<string, JsonNode?>? _arguments;

    /// <summary>Creates a request for <paramref name="controller"/>:<paramref name="action"/>.</summary>
    public KuzzleRequest(string controller, string action)
    {
        ArgumentException.ThrowIfNullOrEmpty(controller);
        ArgumentException.ThrowIfNullOrEmpty(action);
        Controller = controller;
        Action = action;
    }

    /// <summary>Controller name.</summary>
    public string Controller { get; }

    /// <summary>Action name.</summary>
    public string Action { get; }

    /// <summary><c>index</c> argument.</summary>
    public string? Index { get; set; }

    /// <summary><c>collection</c> argument.</summary>
    public string? Collection { get; set; }

    /// <summary><c>_id</c> argument.</summary>
    public string? Id { get; set; }

    /// <summary>Request body (object or array).</summary>
    public JsonNode? Body { get; set; }

    /// <summary>Volatile data, echoed in the response and copied into the notifications the request triggers.</summary>
    public JsonObject? Volatile { get; set; }

    /// <summary>Request id; the client generates one when absent.</summary>
    public string? RequestId { get; set; }

    /// <summary>Token for this request only, instead of the client's <see cref="KuzzleClient.Jwt"/>.</summary>
    public string? Jwt { get; set; }

    /// <summary>Other arguments (<c>strategy</c>, <c>expiresIn</c>, <c>refresh</c>, …). Null values are not sent.</summary>
    public JsonNode? this[string name]
    {
        get => _arguments is not null && _arguments.TryGetValue(name, out var value) ? value : null;
        set
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            (_arguments ??= new Dictionary<string, JsonNode?>(StringComparer.Ordinal))[name] = value;
        }
    }

    /// <summary>The other arguments, in insertion order of first assignment.</summary>
    public IEnumerable<KeyValuePair<string, JsonNode?>> Arguments => _arguments ?? Enumerable.Empty<KeyValuePair<string, JsonNode?>>();

    /// <summary>
    /// Reads a request written as JSON (<c>{"controller":"server","action":"now"}</c>): every key other than the named ones
    /// becomes an argument. The nodes are copied, so <paramref name="request"/> can be reused.
    /// </summary>
    public static KuzzleRequest FromJson(JsonObject request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var controller = StringOf("controller", request["controller"]);
        var action = StringOf("action", request["action"]);
        if (string.IsNullOrEmpty(controller) || string.IsNullOrEmpty(action))
        {
            throw new ArgumentException("A request needs a controller and an action.", nameof(request));
        }

        var result = new KuzzleRequest(controller, action);
        foreach (var (key, value) in request)
        {
            switch (key)
            {
                case "controller" or "action":
                    break;
                case "index":
                    result.Index = StringOf("index", value);
                    break;
                case "collection":
                    result.Collection = StringOf("collection", value);
                    break;
                case "_id":
                    result.Id = StringOf("_id", value);
                    break;
                case "body":
                    result.Body = value?.DeepClone();
                    break;
                case "volatile":
                    result.Volatile = value?.DeepClone() as JsonObject;
                    break;
                case "requestId":
                    result.RequestId = StringOf("requestId", value);
                    break;
                case "jwt":
                    result.Jwt = StringOf("jwt", value);
                    break;
                default:
                    result[key] = value?.DeepClone();
                    break;
            }
        }

        return result;
    }

    private static string? StringOf(string key, JsonNode? value) => value switch
    {
        null => null,
        JsonValue text when text.TryGetValue<string>(out var s) => s,
        _ => throw new ArgumentException($"\"{key}\" must be a string.", nameof(value)),
    };

    /// <inheritdoc />
    public override string ToString() => $"{Controller}:{Action}";
}

/// <summary>Per-call settings of <see cref="KuzzleClient.QueryAsync(KuzzleRequest, QueryOptions?, CancellationToken)"/>.</summary>
public sealed record QueryOptions
{
    /// <summary>The defaults: queuable, client timeout.</summary>
    public static QueryOptions Default { get; } = new();

    /// <summary>May wait in the offline queue while the client reconnects (false: fails at once when not connected).</summary>
    public bool Queuable { get; init; } = true;

    /// <summary>Overrides <see cref="KuzzleClientOptions.RequestTimeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }
}

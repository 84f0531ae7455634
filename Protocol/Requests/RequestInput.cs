using System.Text.Json;
using Kuzzle.Realtime.Protocol.Errors;

namespace Kuzzle.Realtime.Protocol.Requests;

/// <summary>
/// A parsed Kuzzle request: the five reserved keys (controller, action, jwt, body, volatile) and every other top-level key as an
/// argument with its JSON type. Owns the parsed documents; dispose it once the response is written.
/// </summary>
public sealed partial class RequestInput : IDisposable
{
    private readonly JsonDocument? _document;
    private readonly JsonDocument? _extraDocument;
    private readonly bool _argsContainReservedKeys;

    internal RequestInput(
        RequestProtocol protocol,
        JsonDocument? document,
        JsonElement args,
        bool argsContainReservedKeys,
        JsonDocument? extraDocument = null)
    {
        Protocol = protocol;
        _document = document;
        _extraDocument = extraDocument;
        Args = args;
        _argsContainReservedKeys = argsContainReservedKeys;
    }

    /// <summary>The protocol the request came on.</summary>
    public RequestProtocol Protocol { get; }

    /// <summary>Controller name; null when the request had none.</summary>
    public string? Controller { get; set; }

    /// <summary>Action name; null when the request had none.</summary>
    public string? Action { get; set; }

    /// <summary>The token string, or null for anonymous. An empty string is not anonymous: it fails verification.</summary>
    public string? Jwt { get; set; }

    private string? _requestId;

    /// <summary>The request id: the client's, or one the server chose. Setting it drops the client's raw element.</summary>
    public string? RequestId
    {
        get => _requestId;
        set
        {
            _requestId = value;
            RequestIdElement = default;
        }
    }

    /// <summary>Raw request id element when the id is the client's own (echoed without re-encoding).</summary>
    public JsonElement RequestIdElement { get; private set; }

    internal void SetClientRequestId(string value, JsonElement element)
    {
        _requestId = value;
        RequestIdElement = element;
    }

    /// <summary>Request body (object or array); <see cref="JsonValueKind.Undefined"/> when absent or null.</summary>
    public JsonElement Body { get; set; }

    /// <summary>Volatile data (object); <see cref="JsonValueKind.Undefined"/> when absent or null.</summary>
    public JsonElement Volatile { get; set; }

    /// <summary>The arguments object. For a WebSocket frame this is the frame itself: reserved keys are skipped by the getters.</summary>
    public JsonElement Args { get; }

    /// <summary>True when a body object or array is present.</summary>
    public bool HasBody => Body.ValueKind is JsonValueKind.Object or JsonValueKind.Array;

    /// <summary>Finds an argument by name; reserved keys are never arguments.</summary>
    public bool TryGetArg(string name, out JsonElement value)
    {
        if (Args.ValueKind == JsonValueKind.Object && (!_argsContainReservedKeys || !RequestParser.IsReservedKey(name))
            && Args.TryGetProperty(name, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>True when the argument is present and not null.</summary>
    public bool HasArg(string name) => TryGetArg(name, out var v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>Enumerates arguments (every top-level key except the reserved ones).</summary>
    public IEnumerable<JsonProperty> EnumerateArgs()
    {
        if (Args.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var p in Args.EnumerateObject())
        {
            if (!_argsContainReservedKeys || !RequestParser.IsReservedKey(p.Name))
            {
                yield return p;
            }
        }
    }

    /// <summary>Releases the pooled memory of the parsed documents.</summary>
    public void Dispose()
    {
        _document?.Dispose();
        _extraDocument?.Dispose();
    }

    internal static KuzzleException InvalidType(string name, string expected) =>
        KuzzleErrors.Api.Assert.InvalidType.Create(name, expected);
}

using System.Globalization;
using System.Text.Json;
using Kuzzle.Realtime.Protocol.Errors;

namespace Kuzzle.Realtime.Protocol.Requests;

// Argument getters with Kuzzle's coercion rules (numeric strings, HTTP booleans, JSON in query strings).
public sealed partial class RequestInput
{
    /// <summary>A required string argument: missing → <c>api.assert.missing_argument</c>, other type → <c>api.assert.invalid_type</c>.</summary>
    public string GetString(string name)
    {
        if (!TryGetArg(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            throw KuzzleErrors.Api.Assert.MissingArgument.Create(name);
        }

        return v.ValueKind == JsonValueKind.String ? v.GetString()! : throw InvalidType(name, "string");
    }

    /// <summary>
    /// The <c>_id</c> argument as Kuzzle's <c>getId</c> reads it: absent or falsy (<c>null</c>, <c>""</c>, <c>false</c>, <c>0</c>) ⇒
    /// <c>api.assert.missing_argument</c>; any other non-string ⇒ <c>api.assert.invalid_type</c>.
    /// </summary>
    public string GetId() => GetIdOrDefault() ?? throw KuzzleErrors.Api.Assert.MissingArgument.Create("_id");

    /// <summary>The <c>_id</c> argument, or null when absent or falsy (where Kuzzle generates or ignores a missing id).</summary>
    public string? GetIdOrDefault()
    {
        if (!TryGetArg("_id", out var v) || IsFalsy(v))
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw InvalidType("_id", "string");
    }

    /// <summary>An optional string argument.</summary>
    public string? GetStringOrDefault(string name, string? defaultValue = null)
    {
        if (!TryGetArg(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return defaultValue;
        }

        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw InvalidType(name, "string");
    }

    /// <summary>An optional integer argument: JSON numbers or numeric strings; not a safe integer → <c>api.assert.invalid_type</c>.</summary>
    public long GetInteger(string name, long defaultValue)
    {
        if (!TryGetArg(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return defaultValue;
        }

        return ToInteger(name, v);
    }

    /// <summary>A required integer argument.</summary>
    public long GetInteger(string name)
    {
        if (!TryGetArg(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            throw KuzzleErrors.Api.Assert.MissingArgument.Create(name);
        }

        return ToInteger(name, v);
    }

    /// <summary>An optional number argument: JSON numbers or numeric strings.</summary>
    public double GetNumber(string name, double defaultValue)
    {
        if (!TryGetArg(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return defaultValue;
        }

        if (v.ValueKind == JsonValueKind.Number)
        {
            return v.GetDouble();
        }

        if (v.ValueKind == JsonValueKind.String
            && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
        {
            return d;
        }

        throw InvalidType(name, "number");
    }

    /// <summary>
    /// A boolean flag. Over HTTP a flag is true whenever the key is present, whatever its value (Kuzzle's rule); over WebSocket it must be
    /// a JSON boolean (null or absent → false).
    /// </summary>
    public bool GetBoolean(string name)
    {
        if (!TryGetArg(name, out var v))
        {
            return false;
        }

        if (Protocol == RequestProtocol.Http)
        {
            return true;
        }

        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw InvalidType(name, "boolean"),
        };
    }

    /// <summary>An optional object argument; over HTTP a string value is JSON-parsed.</summary>
    public JsonElement? GetObjectOrDefault(string name)
    {
        if (!TryGetArg(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Object)
        {
            return v;
        }

        if (Protocol == RequestProtocol.Http && v.ValueKind == JsonValueKind.String && TryParseJson(v.GetString()!, out var parsed)
            && parsed.ValueKind == JsonValueKind.Object)
        {
            return parsed;
        }

        throw InvalidType(name, "object");
    }

    /// <summary>An optional array argument; over HTTP a string is JSON-parsed, or split on commas when it is not JSON.</summary>
    public JsonElement? GetArrayOrDefault(string name)
    {
        if (!TryGetArg(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Array)
        {
            return v;
        }

        if (Protocol == RequestProtocol.Http && v.ValueKind == JsonValueKind.String)
        {
            var s = v.GetString()!;
            if (TryParseJson(s, out var parsed) && parsed.ValueKind == JsonValueKind.Array)
            {
                return parsed;
            }

            var parts = s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            return JsonSerializer.SerializeToElement(parts, ProtocolJsonContext.Default.StringArray);
        }

        throw InvalidType(name, "array");
    }

    /// <summary>The body as an object; absent → <c>api.assert.body_required</c>; another type → <c>api.assert.invalid_type</c>.</summary>
    public JsonElement GetBodyObject()
    {
        if (!HasBody)
        {
            throw KuzzleErrors.Api.Assert.BodyRequired.Create();
        }

        return Body.ValueKind == JsonValueKind.Object ? Body : throw InvalidType("body", "object");
    }

    /// <summary>A string field of the body; missing → <c>api.assert.missing_argument</c> with the <c>body.</c> path.</summary>
    public string GetBodyString(string name)
    {
        var body = GetBodyObject();
        if (!body.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            throw KuzzleErrors.Api.Assert.MissingArgument.Create("body." + name);
        }

        return v.ValueKind == JsonValueKind.String ? v.GetString()! : throw InvalidType("body." + name, "string");
    }

    private static long ToInteger(string name, JsonElement v)
    {
        const double MaxSafe = 9007199254740991;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && Math.Floor(d) == d && Math.Abs(d) <= MaxSafe)
        {
            return (long)d;
        }

        if (v.ValueKind == JsonValueKind.String
            && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s)
            && Math.Floor(s) == s && Math.Abs(s) <= MaxSafe)
        {
            return (long)s;
        }

        throw InvalidType(name, "integer");
    }

    // JavaScript's falsy JSON values (NaN cannot be written in JSON).
    private static bool IsFalsy(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.False or JsonValueKind.Undefined => true,
        JsonValueKind.String => value.ValueEquals(string.Empty),
        JsonValueKind.Number => value.TryGetDouble(out var number) && number == 0,
        _ => false,
    };

    private static bool TryParseJson(string text, out JsonElement element)
    {
        try
        {
            using var doc = JsonDocument.Parse(text, RequestParser.DocumentOptions);
            element = doc.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            element = default;
            return false;
        }
    }
}

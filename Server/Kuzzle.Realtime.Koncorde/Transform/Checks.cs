using Kuzzle.Realtime.Koncorde.Json;

namespace Kuzzle.Realtime.Koncorde.Transform;

/// <summary>Koncorde's argument checks, with its messages, in its order.</summary>
internal static class Checks
{
    public static void IsObject(JsValue? value, string path, bool nonEmpty = false, int properties = 0, string[]? required = null, string[]? allowed = null)
    {
        if (value is null || value.Kind != JsKind.Object)
        {
            throw KoncordeException.At(path, "must be an object");
        }

        var count = value.Properties.Count;
        if (nonEmpty && count == 0)
        {
            throw KoncordeException.At(path, "must be a non-empty object");
        }

        if (properties > 0 && count != properties)
        {
            throw KoncordeException.At(path, $"expected object to have exactly {properties} propert{(properties > 1 ? "ies" : "y")}, got {count}");
        }

        if (required is not null)
        {
            foreach (var name in required)
            {
                if (!value.Has(name))
                {
                    throw KoncordeException.At(path, $"the property \"{name}\" is missing");
                }
            }
        }

        if (allowed is not null)
        {
            foreach (var (key, _) in value.Properties)
            {
                if (Array.IndexOf(allowed, key) < 0)
                {
                    throw KoncordeException.At(path, $"\"{key}\" is not an allowed attribute (allowed: {string.Join(',', allowed)})");
                }
            }
        }
    }

    public static void IsArray(JsValue? value, string path, bool nonEmpty, JsKind? itemType)
    {
        if (value is null || value.Kind != JsKind.Array)
        {
            throw KoncordeException.At(path, "must be an array");
        }

        if (nonEmpty && value.Items.Count == 0)
        {
            throw KoncordeException.At(path, "cannot be empty");
        }

        if (itemType is { } type && value.Items.Any(i => i.Kind != type))
        {
            var name = type switch
            {
                JsKind.String => "string",
                JsKind.Number => "number",
                JsKind.Boolean => "boolean",
                _ => "object",
            };
            throw KoncordeException.At(path, $"must hold only values of type \"{name}\"");
        }
    }

    public static string IsString(JsValue? value, string path)
    {
        if (value is null || value.Kind != JsKind.String)
        {
            throw KoncordeException.At(path, "must be a string");
        }

        if (value.String.Length == 0)
        {
            throw KoncordeException.At(path, "cannot be empty");
        }

        return value.String;
    }

    public static void IsScalar(JsValue? value, string path)
    {
        if (value is null || value.Kind is JsKind.Array or JsKind.Object)
        {
            throw KoncordeException.At(path, "must either be a string, a number, a boolean, or null");
        }
    }

    public static int IsInteger(JsValue? value, string path)
    {
        if (value is null || value.Kind != JsKind.Number)
        {
            throw KoncordeException.At(path, "must be an integer");
        }

        if (Math.Floor(value.Number) != value.Number)
        {
            throw KoncordeException.At(path, "cannot have decimals, must be an integer");
        }

        return value.Number >= int.MaxValue ? int.MaxValue : value.Number <= int.MinValue ? int.MinValue : (int)value.Number;
    }
}

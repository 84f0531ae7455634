using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Protocol.Responses;

/// <summary>An action result that knows how to write itself as the envelope's <c>result</c> value.</summary>
public abstract class ApiResult
{
    /// <summary>Writes the result value (not the property name).</summary>
    public abstract void WriteTo(Utf8JsonWriter writer);

    /// <summary>A result built as a JSON node tree (convenient for non-hot actions).</summary>
    public static ApiResult From(JsonNode? node) => new JsonNodeResult(node);

    /// <summary>A result that is an existing JSON element (copied as is).</summary>
    public static ApiResult From(JsonElement element) => new JsonElementResult(element);

    private sealed class JsonNodeResult(JsonNode? node) : ApiResult
    {
        public override void WriteTo(Utf8JsonWriter writer)
        {
            if (node is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                node.WriteTo(writer);
            }
        }
    }

    private sealed class JsonElementResult(JsonElement element) : ApiResult
    {
        public override void WriteTo(Utf8JsonWriter writer)
        {
            if (element.ValueKind == JsonValueKind.Undefined)
            {
                writer.WriteNullValue();
            }
            else
            {
                element.WriteTo(writer);
            }
        }
    }
}

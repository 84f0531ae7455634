using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Kuzzle.Realtime.Storage;

/// <summary>Checks that a document body is exactly one JSON object, so nothing unreadable is ever stored.</summary>
internal static class JsonObjectText
{
    public static void Validate(string json, string paramName = "json")
    {
        ArgumentNullException.ThrowIfNull(json, paramName);
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(json, buffer);
            var reader = new Utf8JsonReader(buffer.AsSpan(0, length));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ArgumentException("The document must be a JSON object.", paramName);
            }

            reader.Skip();
            if (reader.Read())
            {
                throw new ArgumentException("The document must hold a single JSON object.", paramName);
            }
        }
        catch (JsonException e)
        {
            throw new ArgumentException("The document is not valid JSON.", paramName, e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

using System.Text.Json;

namespace Kuzzle.Realtime.Protocol.Json;

/// <summary>Checks on the strings of a JSON text that the parser leaves for later (and would then throw on).</summary>
public static class JsonStrings
{
    /// <summary>
    /// True when a string or property name of <paramref name="utf8Json"/> (already known to be valid JSON) escapes a lone UTF-16
    /// surrogate (<c>"\ud800"</c>): valid JSON, but no .NET string can be decoded from it, so every later read of it would throw.
    /// Only texts holding a <c>\u</c> escape are scanned.
    /// </summary>
    public static bool ContainsLoneSurrogate(ReadOnlySpan<byte> utf8Json, int maxDepth)
    {
        if (utf8Json.IndexOf("\\u"u8) < 0)
        {
            return false;
        }

        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = maxDepth });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped
                    && reader.ValueSpan.IndexOf("\\u"u8) >= 0)
                {
                    try
                    {
                        _ = reader.GetString();
                    }
                    catch (InvalidOperationException)
                    {
                        return true;
                    }
                }
            }
        }
        catch (JsonException)
        {
            return false; // Not this check's concern: the caller parsed the text already.
        }

        return false;
    }
}

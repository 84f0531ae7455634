using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Kuzzle.Realtime.Protocol.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Kuzzle.Realtime.Server.Network.Http;

/// <summary>
/// The pre-routing steps of protocol.md §5.1: size, content type, charset, decompression and parsing. Every failure is a
/// <see cref="KuzzleException"/> that the endpoint answers as a bare error.
/// </summary>
internal sealed class HttpBodyReader
{
    private readonly long _maxSize;
    private readonly long _maxFileSize;
    private readonly int _maxEncodingLayers;
    private readonly HashSet<string> _contentTypes;

    public HttpBodyReader(long maxSize, long maxFileSize, int maxEncodingLayers, IEnumerable<string> additionalContentTypes)
    {
        _maxSize = maxSize;
        _maxFileSize = maxFileSize;
        _maxEncodingLayers = maxEncodingLayers;
        _contentTypes = new HashSet<string>(
            ["application/json", "application/x-www-form-urlencoded", "multipart/form-data", .. additionalContentTypes], StringComparer.Ordinal);
    }

    /// <summary>Reads and parses the body; returns the parsed document, or null for an empty/falsy body.</summary>
    public async Task<JsonDocument?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > _maxSize)
        {
            throw KuzzleErrors.Network.Http.RequestTooLarge.Create();
        }

        var contentType = request.ContentType;
        string mediaType = "application/json";
        if (contentType is not null)
        {
            var semi = contentType.IndexOf(';', StringComparison.Ordinal);
            mediaType = (semi < 0 ? contentType : contentType[..semi]).Trim();
            if (!_contentTypes.Contains(mediaType))
            {
                throw KuzzleErrors.Network.Http.UnsupportedContent.Create(mediaType);
            }

            if (semi >= 0)
            {
                foreach (var parameter in contentType[(semi + 1)..].Split(';'))
                {
                    var kv = parameter.Split('=', 2, StringSplitOptions.TrimEntries);
                    if (kv.Length == 2 && kv[0].Equals("charset", StringComparison.OrdinalIgnoreCase)
                        && !kv[1].Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase))
                    {
                        throw KuzzleErrors.Network.Http.UnsupportedCharset.Create(kv[1]);
                    }
                }
            }
        }

        var raw = await ReadLimitedAsync(request.Body, _maxSize, cancellationToken);
        raw = Decode(raw, request.Headers.ContentEncoding.ToString());
        if (raw.Length == 0)
        {
            return null;
        }

        JsonDocument document = mediaType switch
        {
            "application/x-www-form-urlencoded" => FormToJson(raw),
            "multipart/form-data" => await MultipartToJsonAsync(raw, contentType!, cancellationToken),
            _ => ParseJson(raw),
        };

        var root = document.RootElement;
        var falsy = root.ValueKind is JsonValueKind.Null or JsonValueKind.False
            || (root.ValueKind == JsonValueKind.Number && root.GetDouble() == 0)
            || (root.ValueKind == JsonValueKind.String && root.GetString()!.Length == 0)
            || (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() == 0);
        if (falsy)
        {
            document.Dispose();
            return null;
        }

        return document;
    }

    private static async Task<byte[]> ReadLimitedAsync(Stream body, long max, CancellationToken cancellationToken)
    {
        using var ms = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (ms.Length + read > max)
            {
                throw KuzzleErrors.Network.Http.RequestTooLarge.Create();
            }

            ms.Write(buffer, 0, read);
        }

        return ms.ToArray();
    }

    private byte[] Decode(byte[] raw, string contentEncoding)
    {
        if (string.IsNullOrWhiteSpace(contentEncoding))
        {
            return raw;
        }

        var encodings = contentEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (encodings.Length > _maxEncodingLayers)
        {
            throw KuzzleErrors.Network.Http.TooManyEncodings.Create();
        }

        // Applied in reverse order: the last listed encoding was applied last by the sender.
        for (var i = encodings.Length - 1; i >= 0; i--)
        {
            var encoding = encodings[i].ToLowerInvariant();
            raw = encoding switch
            {
                "identity" => raw,
                "gzip" => Inflate(raw, s => new GZipStream(s, CompressionMode.Decompress)),
                "deflate" => Inflate(raw, s => new ZLibStream(s, CompressionMode.Decompress)),
                _ => throw KuzzleErrors.Network.Http.UnsupportedCompression.Create(encoding),
            };
        }

        return raw;
    }

    // WARNING: decompression is bounded by the same size limit as the body: a zip bomb stops at maxRequestSize.
    private byte[] Inflate(byte[] raw, Func<Stream, Stream> open)
    {
        try
        {
            using var input = new MemoryStream(raw);
            using var inflater = open(input);
            using var output = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = inflater.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + read > _maxSize)
                {
                    throw KuzzleErrors.Network.Http.RequestTooLarge.Create();
                }

                output.Write(buffer, 0, read);
            }

            return output.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw KuzzleErrors.Network.Http.UnexpectedError.Create(ex.Message);
        }
    }

    private static JsonDocument ParseJson(byte[] raw)
    {
        try
        {
            if (!System.Text.Unicode.Utf8.IsValid(raw))
            {
                throw new JsonException("invalid UTF-8");
            }

            var document = JsonDocument.Parse(raw, new JsonDocumentOptions { MaxDepth = Protocol.Requests.RequestParser.DefaultMaxDepth });
            if (Protocol.Json.JsonStrings.ContainsLoneSurrogate(raw, Protocol.Requests.RequestParser.DefaultMaxDepth))
            {
                document.Dispose();
                throw new JsonException(Protocol.Requests.RequestParser.LoneSurrogateMessage);
            }

            return document;
        }
        catch (JsonException ex)
        {
            var text = Encoding.UTF8.GetString(raw, 0, Math.Min(raw.Length, 200));
            var preview = text.Length > 50 ? text[..50] : text;
            throw KuzzleErrors.Network.Http.BodyParseFailed.Create(preview + " (" + ex.Message + ")");
        }
    }

    private static JsonDocument FormToJson(byte[] raw)
    {
        var fields = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(raw));
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            foreach (var (key, values) in fields)
            {
                w.WritePropertyName(key);
                WriteValues(w, values);
            }

            w.WriteEndObject();
        }

        return JsonDocument.Parse(ms.ToArray());
    }

    private async Task<JsonDocument> MultipartToJsonAsync(byte[] raw, string contentType, CancellationToken cancellationToken)
    {
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(contentType).Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            throw KuzzleErrors.Network.Http.BodyParseFailed.Create("missing multipart boundary");
        }

        var reader = new MultipartReader(boundary, new MemoryStream(raw)) { BodyLengthLimit = _maxSize };
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            try
            {
                MultipartSection? section;
                while ((section = await reader.ReadNextSectionAsync(cancellationToken)) is not null)
                {
                    if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                    {
                        continue;
                    }

                    var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? string.Empty;
                    using var content = new MemoryStream();
                    await section.Body.CopyToAsync(content, cancellationToken);
                    if (disposition.IsFileDisposition())
                    {
                        if (content.Length > _maxFileSize)
                        {
                            throw KuzzleErrors.Network.Http.FileTooLarge.Create();
                        }

                        w.WriteStartObject(name);
                        w.WriteString("encoding", section.ContentType ?? "application/octet-stream");
                        w.WriteString("file", Convert.ToBase64String(content.GetBuffer(), 0, (int)content.Length));
                        w.WriteString("filename", HeaderUtilities.RemoveQuotes(disposition.FileName).Value);
                        w.WriteEndObject();
                    }
                    else
                    {
                        w.WriteString(name, Encoding.UTF8.GetString(content.GetBuffer(), 0, (int)content.Length));
                    }
                }
            }
            catch (IOException ex)
            {
                throw KuzzleErrors.Network.Http.BodyParseFailed.Create(ex.Message);
            }

            w.WriteEndObject();
        }

        return JsonDocument.Parse(ms.ToArray());
    }

    internal static void WriteValues(Utf8JsonWriter w, Microsoft.Extensions.Primitives.StringValues values)
    {
        if (values.Count == 1)
        {
            w.WriteStringValue(values[0]);
            return;
        }

        w.WriteStartArray();
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}

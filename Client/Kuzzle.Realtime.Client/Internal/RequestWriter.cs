using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Client.Internal;

/// <summary>Writes a <see cref="KuzzleRequest"/> as the JSON object Kuzzle reads (protocol.md §2), without reflection.</summary>
internal static class RequestWriter
{
    /// <summary>Writes the request. Over HTTP (<paramref name="http"/>) false and null arguments are left out: in
    /// <c>POST /_query</c> a present boolean argument counts as true whatever its value.</summary>
    public static void Write(IBufferWriter<byte> output, KuzzleRequest request, string requestId, string? jwt, string sdkInstanceId, bool http)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        Write(writer, request, requestId, jwt, sdkInstanceId, http);
    }

    public static void Write(Utf8JsonWriter writer, KuzzleRequest request, string requestId, string? jwt, string sdkInstanceId, bool http)
    {
        writer.WriteStartObject();
        writer.WriteString("controller"u8, request.Controller);
        writer.WriteString("action"u8, request.Action);
        writer.WriteString("requestId"u8, requestId);
        if (jwt is not null)
        {
            writer.WriteString("jwt"u8, jwt);
        }

        if (request.Index is not null)
        {
            writer.WriteString("index"u8, request.Index);
        }

        if (request.Collection is not null)
        {
            writer.WriteString("collection"u8, request.Collection);
        }

        if (request.Id is not null)
        {
            writer.WriteString("_id"u8, request.Id);
        }

        foreach (var (name, value) in request.Arguments)
        {
            if (value is null || (http && value.GetValueKind() == JsonValueKind.False))
            {
                continue;
            }

            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }

        if (request.Body is not null)
        {
            writer.WritePropertyName("body"u8);
            request.Body.WriteTo(writer);
        }

        WriteVolatile(writer, request.Volatile, sdkInstanceId);
        writer.WriteEndObject();
        writer.Flush();
    }

    // The SDKs put their instance id in every request's volatile: notifications carry the triggering request's volatile,
    // which is how subscribeToSelf:false recognises the client's own changes. The name is not one of the SDK names the
    // server's version gate knows, so it is never refused.
    private static void WriteVolatile(Utf8JsonWriter writer, JsonObject? userVolatile, string sdkInstanceId)
    {
        writer.WriteStartObject("volatile"u8);
        var hasInstance = false;
        var hasName = false;
        if (userVolatile is not null)
        {
            foreach (var (name, value) in userVolatile)
            {
                hasInstance |= name == "sdkInstanceId";
                hasName |= name == "sdkName";
                writer.WritePropertyName(name);
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer);
                }
            }
        }

        if (!hasInstance)
        {
            writer.WriteString("sdkInstanceId"u8, sdkInstanceId);
        }

        if (!hasName)
        {
            writer.WriteString("sdkName"u8, SdkName);
        }

        writer.WriteEndObject();
    }

    /// <summary><c>sdkName</c> sent in volatile data.</summary>
    public const string SdkName = "dotnet-realtime@1.0.0";
}

using System.Collections;
using System.Globalization;
using System.Text.Json;
using Kuzzle.Realtime.Protocol.Errors;

namespace Kuzzle.Realtime.Protocol.Responses;

/// <summary>Writes the error object (errors.md §1): <c>code, id, message, props, status</c>, then <c>errors, count</c> for aggregates.</summary>
public static class ErrorWriter
{
    /// <summary>Writes the error as a JSON object value.</summary>
    public static void Write(Utf8JsonWriter writer, KuzzleException error)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(error);
        writer.WriteStartObject();
        if (error.Definition is { } def)
        {
            writer.WriteNumber("code"u8, def.Code);
            writer.WriteString("id"u8, def.Id);
            writer.WriteString("message"u8, error.Message);
            writer.WritePropertyName("props"u8);
            writer.WriteStartArray();
            foreach (var p in error.Props)
            {
                WriteValue(writer, p);
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteString("message"u8, error.Message);
        }

        writer.WriteNumber("status"u8, error.Status);
        if (error.Errors is { } errors)
        {
            writer.WritePropertyName("errors"u8);
            writer.WriteStartArray();
            foreach (var e in errors)
            {
                WriteValue(writer, e);
            }

            writer.WriteEndArray();
            writer.WriteNumber("count"u8, errors.Count);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a loosely typed value (error props, sub-errors) as JSON.</summary>
    public static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case JsonElement e:
                e.WriteTo(writer);
                break;
            case System.Text.Json.Nodes.JsonNode n:
                n.WriteTo(writer);
                break;
            case KuzzleException k:
                Write(writer, k);
                break;
            case IEnumerable list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            case IFormattable f:
                writer.WriteStringValue(f.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }
}

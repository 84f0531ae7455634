using System.Text.Json;

namespace Kuzzle.Realtime.Server.Network.Buffers;

/// <summary>
/// Serializes one frame into a pooled array with a per-thread reusable <see cref="Utf8JsonWriter"/>: building a response allocates no
/// writer and no buffer. WARNING: the write callback must not await; the thread-static writer is reused by the next caller.
/// </summary>
public static class JsonFrameBuilder
{
    [ThreadStatic]
    private static PooledBufferWriter? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_indentedWriter;

    private static readonly JsonWriterOptions Compact = new() { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Builds a frame; the caller owns the returned frame and must release it.</summary>
    public static OutboundFrame Build<TState>(TState state, Action<Utf8JsonWriter, TState> write, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(write);
        var buffer = t_buffer ??= new PooledBufferWriter(1024);
        Utf8JsonWriter writer;
        if (indented)
        {
            writer = t_indentedWriter ??= new Utf8JsonWriter(buffer, Indented);
        }
        else
        {
            writer = t_writer ??= new Utf8JsonWriter(buffer, Compact);
        }

        writer.Reset(buffer);
        try
        {
            write(writer, state);
            writer.Flush();
            return buffer.Detach(Math.Min(Math.Max(buffer.WrittenCount, 256), 16 * 1024));
        }
        catch
        {
            writer.Reset(buffer);
            buffer.Reset();
            throw;
        }
    }
}

namespace Kuzzle.Realtime.Bench.Load;

/// <summary>What a received frame means for the request a connection is waiting on.</summary>
public enum ReplyKind
{
    /// <summary>The answer to the pending request (a Kuzzle response whose room is our id, or the echo of our frame).</summary>
    Answer,

    /// <summary>The answer to the pending request, but a Kuzzle error envelope (e.g. 429, 503).</summary>
    ErrorAnswer,

    /// <summary>An error frame without room (protocol.md §4.3): the request will never be answered.</summary>
    ErrorFrame,

    /// <summary>A frame for another room (notification, stale reply): keep waiting.</summary>
    Unrelated,
}

/// <summary>Classifies replies by bytes only, without parsing JSON, so the client loop stays cheap.</summary>
public static class ReplyMatcher
{
    public static ReplyKind Classify(ReadOnlySpan<byte> reply, ReadOnlySpan<byte> sent, ReadOnlySpan<byte> roomNeedle, bool hasId)
    {
        // Without an id there is nothing to correlate: any frame answers the single pending request.
        if (!hasId || reply.SequenceEqual(sent))
        {
            return ReplyKind.Answer;
        }

        if (reply.IndexOf(roomNeedle) >= 0)
        {
            return reply.IndexOf("\"error\":{"u8) >= 0 ? ReplyKind.ErrorAnswer : ReplyKind.Answer;
        }

        return reply.IndexOf("\"room\":"u8) >= 0 ? ReplyKind.Unrelated : ReplyKind.ErrorFrame;
    }

    /// <summary>Builds <c>"room":"</c> + id + <c>"</c> with room for the id; returns the offset of the id.</summary>
    public static byte[] NewRoomNeedle(out int idOffset)
    {
        ReadOnlySpan<byte> head = "\"room\":\""u8;
        var needle = new byte[head.Length + PayloadTemplate.IdLength + 1];
        head.CopyTo(needle);
        needle[^1] = (byte)'"';
        idOffset = head.Length;
        return needle;
    }
}

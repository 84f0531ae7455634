using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Responses;
using Kuzzle.Realtime.Server.Network.Buffers;
using Microsoft.AspNetCore.Http;

namespace Kuzzle.Realtime.Server.Network.Http;

/// <summary>A failure before any request exists (protocol.md §5.7): the error object alone is the body, with its status.</summary>
internal static class BareError
{
    /// <summary>Writes the status, JSON content type and error object.</summary>
    public static async Task WriteAsync(HttpResponse response, KuzzleException error, CancellationToken cancellationToken)
    {
        response.ContentType = "application/json";
        response.StatusCode = error.Status;
        var frame = JsonFrameBuilder.Build(error, static (w, e) => ErrorWriter.Write(w, e));
        try
        {
            await response.Body.WriteAsync(frame.Memory, cancellationToken);
        }
        finally
        {
            frame.Release();
        }
    }
}

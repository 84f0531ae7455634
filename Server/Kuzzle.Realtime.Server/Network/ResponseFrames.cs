using System.Text.Json;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Responses;
using Kuzzle.Realtime.Server.Api;
using Kuzzle.Realtime.Server.Network.Buffers;

namespace Kuzzle.Realtime.Server.Network;

/// <summary>Turns pipeline results into frames: envelopes, raw results, and the id-less error frames of protocol.md §4.3.</summary>
public sealed class ResponseFrames
{
    private readonly string _nodeId;

    /// <summary>Creates the serializer for this node.</summary>
    public ResponseFrames(NodeIdentity node)
    {
        ArgumentNullException.ThrowIfNull(node);
        _nodeId = node.Id;
    }

    /// <summary>The envelope of a finished request (<paramref name="includeRoom"/> for WebSocket).</summary>
    public OutboundFrame Envelope(RequestContext context, in ApiResponse response, bool includeRoom, bool indented = false) =>
        JsonFrameBuilder.Build(
            (Self: this, Context: context, Response: response, Room: includeRoom),
            static (w, s) => ResponseEnvelope.Write(
                w, s.Context.Input, s.Context.RequestId, s.Self._nodeId, s.Response.Status, s.Response.Result, s.Response.Error,
                s.Context.ResponseHeaders, s.Room),
            indented);

    /// <summary>
    /// An error frame built before any request existed (invalid JSON, field type errors): fresh request id unless the client gave one,
    /// controller/action/volatile null, no <c>room</c>.
    /// </summary>
    public OutboundFrame DetachedError(KuzzleException error, string? clientRequestId) =>
        JsonFrameBuilder.Build(
            (Self: this, Error: error, RequestId: string.IsNullOrEmpty(clientRequestId) ? Guid.NewGuid().ToString() : clientRequestId),
            static (w, s) => ResponseEnvelope.Write(w, null, s.RequestId, s.Self._nodeId, s.Error.Status, null, s.Error, null, includeRoom: false));

    /// <summary>A raw result over WebSocket: an object gets a <c>room</c> key; anything else is sent as a JSON value.</summary>
    public static OutboundFrame RawOverWebSocket(RawResponse raw, string requestId) =>
        JsonFrameBuilder.Build(
            (Raw: raw, RequestId: requestId),
            static (w, s) =>
            {
                if (s.Raw.Value.ValueKind == JsonValueKind.Object)
                {
                    w.WriteStartObject();
                    foreach (var p in s.Raw.Value.EnumerateObject())
                    {
                        if (!p.NameEquals("room"))
                        {
                            p.WriteTo(w);
                        }
                    }

                    w.WriteString("room"u8, s.RequestId);
                    w.WriteEndObject();
                }
                else if (s.Raw.Value.ValueKind == JsonValueKind.Undefined)
                {
                    w.WriteStringValue(string.Empty);
                }
                else
                {
                    s.Raw.Value.WriteTo(w);
                }
            });
}

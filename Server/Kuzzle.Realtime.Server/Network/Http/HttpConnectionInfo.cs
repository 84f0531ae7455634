using Kuzzle.Realtime.Server.Api;

namespace Kuzzle.Realtime.Server.Network.Http;

/// <summary>An HTTP request seen as a connection: it lives while the request is processed.</summary>
internal sealed class HttpConnectionInfo(string id, string remoteAddress, string? origin, CancellationToken aborted) : IConnectionInfo
{
    public string Id { get; } = id;

    public string Protocol => "http";

    public string RemoteAddress { get; } = remoteAddress;

    public string? Origin { get; } = origin;

    public bool IsAlive => !aborted.IsCancellationRequested;

    public bool IsPersistent => false;

    // An HTTP response answers one request: there is no channel for a frame nobody asked for.
    public void Post(Buffers.OutboundFrame frame) => frame.Release();
}

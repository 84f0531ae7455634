using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Kuzzle.Realtime.Client.Internal;

/// <summary>
/// The HTTP protocol: each request is one <c>POST /_query</c> whose body is the request object (protocol.md §5.4), so every
/// action is reachable with one route, on this server and on Kuzzle 2.x alike.
/// </summary>
internal sealed class HttpTransport : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly Uri _queryUri;

    public HttpTransport(KuzzleClientOptions options)
    {
        _http = new HttpClient(options.HttpHandler ?? new SocketsHttpHandler(), disposeHandler: options.HttpHandler is null)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _queryUri = new Uri(options.HttpUri, "_query");
    }

    public async Task<KuzzleResponse> SendAsync(KuzzleRequest request, string requestId, string? jwt, string sdkInstanceId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var body = new ArrayBufferWriter<byte>(512);
        // The token travels as a header, never in the body, so proxies that log bodies do not see it.
        RequestWriter.Write(body, request, requestId, jwt: null, sdkInstanceId, http: true);
        using var message = new HttpRequestMessage(HttpMethod.Post, _queryUri) { Content = new ReadOnlyMemoryContent(body.WrittenMemory) };
        message.Content.Headers.ContentType = Json;
        if (jwt is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            deadline.CancelAfter(timeout);
        }

        byte[] payload;
        try
        {
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, deadline.Token).ConfigureAwait(false);
            payload = await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw ClientErrors.Create(ClientErrors.Timeout, 504, $"No answer to {request} within {timeout.TotalMilliseconds} ms.");
        }
        catch (HttpRequestException e)
        {
            throw ClientErrors.Create(ClientErrors.ConnectionFailed, 503, $"Cannot reach {_queryUri}: {e.Message}", e);
        }

        JsonElement envelope;
        try
        {
            envelope = FrameReader.Parse(payload);
        }
        catch (JsonException e)
        {
            throw ClientErrors.Create(ClientErrors.BadResponse, 502, $"The server's answer to {request} is not JSON.", e);
        }

        if (envelope.ValueKind != JsonValueKind.Object)
        {
            throw ClientErrors.Create(ClientErrors.BadResponse, 502, $"The server's answer to {request} is not a JSON object.");
        }

        var error = FrameReader.ErrorOf(envelope, out var status);
        if (error is not null)
        {
            throw error;
        }

        // Errors raised before routing come without an envelope: {"id","code","message","status"} (protocol.md §5.7).
        if (!envelope.TryGetProperty("result", out _) && envelope.TryGetProperty("message", out _))
        {
            throw KuzzleException.FromError(envelope, status);
        }

        return new KuzzleResponse(requestId, status, envelope);
    }

    public void Dispose() => _http.Dispose();
}

namespace Kuzzle.Realtime.Client.Internal;

/// <summary>A request sent (or queued) and waiting for its answer.</summary>
internal sealed class PendingRequest
{
    private readonly TaskCompletionSource<KuzzleResponse> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PendingRequest(KuzzleRequest request, string requestId, long key, long createdAt)
    {
        Request = request;
        RequestId = requestId;
        Key = key;
        CreatedAt = createdAt;
    }

    public KuzzleRequest Request { get; }

    public string RequestId { get; }

    /// <summary>The number in a generated request id, or -1 for a request id chosen by the caller.</summary>
    public long Key { get; }

    /// <summary>When the request was made (TimeProvider timestamp), for the offline queue TTL.</summary>
    public long CreatedAt { get; }

    /// <summary>The token the request was sent with, to tell whether a token error concerns the client's current token.</summary>
    public string? JwtSent { get; set; }

    /// <summary>The connection the request was sent on.</summary>
    public WebSocketConnection? Connection { get; set; }

    /// <summary>Runs on the receive loop before the next message is read (a subscription registers its channel there, so
    /// no notification that follows the answer is missed).</summary>
    public Action<KuzzleResponse>? OnResponse { get; init; }

    public Task<KuzzleResponse> Task => _completion.Task;

    public bool IsCompleted => _completion.Task.IsCompleted;

    public void Complete(KuzzleResponse response) => _completion.TrySetResult(response);

    public void Fail(Exception error) => _completion.TrySetException(error);
}

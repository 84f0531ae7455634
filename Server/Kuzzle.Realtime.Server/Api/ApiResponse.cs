using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Responses;

namespace Kuzzle.Realtime.Server.Api;

/// <summary>What the pipeline produced for one request: a result, an error, or both (206, degraded health check).</summary>
/// <param name="Status">Envelope status.</param>
/// <param name="Result">Result value or null.</param>
/// <param name="Error">Error or null.</param>
public readonly record struct ApiResponse(int Status, ApiResult? Result, KuzzleException? Error)
{
    /// <summary>An error response.</summary>
    public static ApiResponse FromError(KuzzleException error) => new(error?.Status ?? 500, error?.Result, error);
}

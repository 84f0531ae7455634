namespace Kuzzle.Realtime.Security;

/// <summary>One entry of a multi-target request's <c>targets</c> argument.</summary>
/// <param name="Index">Target index; a target without index or collections is not checked.</param>
/// <param name="Collections">Target collections.</param>
public readonly record struct RightsTarget(string? Index, IReadOnlyList<string>? Collections);

/// <summary>What a rights check needs from a request: controller, action, and the index/collection/targets arguments.</summary>
/// <param name="Controller">Request controller.</param>
/// <param name="Action">Request action.</param>
/// <param name="Index">The <c>index</c> argument; null or empty means the request names no index.</param>
/// <param name="Collection">The <c>collection</c> argument.</param>
/// <param name="Targets">The <c>targets</c> argument (multi-target actions); null or empty when absent.</param>
public readonly record struct RightsRequest(
    string Controller,
    string Action,
    string? Index = null,
    string? Collection = null,
    IReadOnlyList<RightsTarget>? Targets = null);

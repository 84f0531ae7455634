using Kuzzle.Realtime.Server.Diagnostics;

namespace Kuzzle.Realtime.Server.Api.Controllers;

/// <summary>Until the security layer is wired, no user can exist, so no administrator does.</summary>
internal sealed class NoUserAdminDirectory : IAdminDirectory
{
    public ValueTask<bool> AdminExistsAsync(CancellationToken cancellationToken) => ValueTask.FromResult(false);
}

/// <summary>Until the realtime engine is wired, there are no rooms and no subscriptions.</summary>
internal sealed class NoRealtimeStatistics : IRealtimeStatistics
{
    public int Rooms => 0;

    public int Subscriptions => 0;
}

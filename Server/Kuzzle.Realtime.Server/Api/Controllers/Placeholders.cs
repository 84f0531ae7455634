using Kuzzle.Realtime.Server.Diagnostics;

namespace Kuzzle.Realtime.Server.Api.Controllers;

/// <summary>Until the realtime engine is wired, there are no rooms and no subscriptions.</summary>
internal sealed class NoRealtimeStatistics : IRealtimeStatistics
{
    public int Rooms => 0;

    public int Subscriptions => 0;
}

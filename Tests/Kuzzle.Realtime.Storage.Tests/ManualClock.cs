namespace Kuzzle.Realtime.Storage.Tests;

/// <summary>A clock that stands still until a test moves it, for millisecond-exact expiry checks.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    /// <summary>The time every reader sees.</summary>
    public DateTimeOffset Now { get; set; } = start;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Now;
}

namespace Kuzzle.Realtime.Storage;

/// <summary>How hard SQLite flushes a commit before the write is acknowledged.</summary>
public enum EmbeddedSynchronous
{
    /// <summary>WAL + NORMAL: survives a process crash; the last commits may be lost on power loss.</summary>
    Normal,

    /// <summary>WAL + FULL: every commit is flushed to disk before it is acknowledged.</summary>
    Full,
}

/// <summary>Settings of the embedded (SQLite) store.</summary>
public sealed record EmbeddedStorageOptions
{
    /// <summary>The stock settings.</summary>
    public static EmbeddedStorageOptions Default { get; } = new();

    /// <summary>The database file name inside the data directory.</summary>
    public string FileName { get; init; } = "kuzzle.db";

    /// <summary>The flush level of commits.</summary>
    public EmbeddedSynchronous Synchronous { get; init; } = EmbeddedSynchronous.Full;

    /// <summary>How often expired sessions and closed counter windows are purged (reads already ignore them).</summary>
    public TimeSpan PurgeInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Messages queued per change-feed subscription before publishers wait for its handler.</summary>
    public int ChangeFeedCapacity { get; init; } = 10_000;

    /// <summary>Receives exceptions thrown by change-feed handlers; null ignores them.</summary>
    public ChangeFeedErrorHandler? OnChangeFeedHandlerError { get; init; }

    /// <summary>The clock deciding expiry of sessions and counter windows.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

namespace Kuzzle.Realtime.Storage;

/// <summary>Argument checks for sessions shared by both implementations.</summary>
internal static class SessionChecks
{
    public static void Validate(SessionRecord session)
    {
        ArgumentNullException.ThrowIfNull(session);
        StorageNames.ValidateId(session.TokenId, nameof(session));
        StorageNames.ValidateId(session.UserId, nameof(session));
        ArgumentNullException.ThrowIfNull(session.Json, nameof(session));
    }
}

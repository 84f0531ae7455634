namespace Kuzzle.Realtime.Strategies;

/// <summary>
/// An error a strategy reports to the client. Two kinds, as in Kuzzle:
/// <list type="bullet">
/// <item>ad-hoc errors (<see cref="ErrorId"/> null): the plugins' own error classes, serialized with only a status and a message;</item>
/// <item>catalogued errors (<see cref="ErrorId"/> set, for example <c>plugin.kuzzle-plugin-auth-passport-local.weak_password</c>):
/// the host resolves the id in its error catalogue; <see cref="Exception.Message"/> and <see cref="Status"/> are the
/// strategy's own values, used when the catalogue does not know the id.</item>
/// </list>
/// WARNING: messages are sent to clients; never put a password, hash, salt or token in one.
/// </summary>
public class StrategyException : Exception
{
    /// <summary>An ad-hoc error with an HTTP-like status (400, 403, 412, …) and a message.</summary>
    public StrategyException(int status, string message)
        : this(status, message, null, null, null)
    {
    }

    private StrategyException(int status, string message, string? errorId, IReadOnlyList<string>? messageArguments, IReadOnlyDictionary<string, string>? details)
        : base(message)
    {
        Status = status;
        ErrorId = errorId;
        MessageArguments = messageArguments ?? [];
        Details = details ?? EmptyDetails;
    }

    /// <summary>The status to answer with (HTTP semantics).</summary>
    public int Status { get; }

    /// <summary>A catalogued error id (<c>domain.subdomain.name</c>), or null for an ad-hoc error.</summary>
    public string? ErrorId { get; }

    /// <summary>Placeholders for the catalogued message template, in order.</summary>
    public IReadOnlyList<string> MessageArguments { get; }

    /// <summary>
    /// Extra values for the host (for example the <c>resetToken</c> attached to <c>expired_password</c>). Kuzzle does not
    /// serialize them on the wire; a host may use them, for instance in a plugin controller.
    /// </summary>
    public IReadOnlyDictionary<string, string> Details { get; }

    /// <summary>Raises a catalogued error by id.</summary>
    /// <param name="errorId">The error id, for example <c>plugin.kuzzle-plugin-auth-passport-local.weak_password</c>.</param>
    /// <param name="status">The status the strategy declares for it (used when the host's catalogue lacks the id).</param>
    /// <param name="message">The message the strategy declares for it (same use).</param>
    /// <param name="details">Extra values for the host, not serialized (see <see cref="Details"/>).</param>
    /// <param name="messageArguments">Placeholders for the catalogue's message template.</param>
    public static StrategyException Catalogued(
        string errorId,
        int status,
        string message,
        IReadOnlyDictionary<string, string>? details = null,
        params IReadOnlyList<string> messageArguments)
    {
        ArgumentException.ThrowIfNullOrEmpty(errorId);
        return new StrategyException(status, message, errorId, messageArguments, details);
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyDetails = new Dictionary<string, string>();
}

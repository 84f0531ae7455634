namespace Kuzzle.Realtime.Security;

/// <summary>
/// A security object or request that breaks one of Kuzzle's rules. <see cref="ErrorId"/> is the catalogued
/// Kuzzle error id (e.g. <c>security.role.unknown_controller</c>) and <see cref="Props"/> its placeholder values, in
/// order; the server maps them to its error catalogue (code, status, message).
/// </summary>
public sealed class SecurityValidationException : Exception
{
    public SecurityValidationException()
        : this(SecurityErrorIds.UnexpectedError)
    {
    }

    public SecurityValidationException(string errorId)
        : this(errorId, [])
    {
    }

    public SecurityValidationException(string errorId, Exception innerException)
        : base(errorId, innerException)
    {
        ErrorId = errorId;
        Props = [];
    }

    public SecurityValidationException(string errorId, params object[] props)
        : base(Describe(errorId, props))
    {
        ErrorId = errorId;
        Props = props;
    }

    /// <summary>Kuzzle error id, <c>domain.subdomain.name</c>.</summary>
    public string ErrorId { get; }

    /// <summary>Placeholder values of the error template, in order (Kuzzle's <c>props</c>).</summary>
    public IReadOnlyList<object> Props { get; }

    private static string Describe(string errorId, object[] props) =>
        props.Length == 0 ? errorId : $"{errorId} ({string.Join(", ", props)})";
}

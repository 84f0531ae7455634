namespace Kuzzle.Realtime.Protocol.Errors;

/// <summary>
/// An error the client sees: either a catalogued Kuzzle error (id, code, props) or an ad-hoc one (message and status only),
/// as Kuzzle's own request-field checks and plugin errors produce.
/// </summary>
public class KuzzleException : Exception
{
    private static readonly object?[] NoProps = [];

    /// <summary>Creates a catalogued error; the message is the template formatted the way Node's util.format does.</summary>
    public KuzzleException(ErrorDefinition definition, params object?[] props)
        : base(NodeFormat.Format((definition ?? throw new ArgumentNullException(nameof(definition))).Template, props ?? NoProps))
    {
        Definition = definition;
        Status = definition.Status;
        Props = props ?? NoProps;
    }

    /// <summary>Creates a catalogued error whose message replaces the template's (Kuzzle does this for a few errors).</summary>
    public KuzzleException(ErrorDefinition definition, string message, object?[] props)
        : base(message)
    {
        Definition = definition ?? throw new ArgumentNullException(nameof(definition));
        Status = definition.Status;
        Props = props ?? NoProps;
    }

    private KuzzleException(int status, string message)
        : base(message)
    {
        Status = status;
        Props = NoProps;
    }

    /// <summary>The catalogue entry, or null for an ad-hoc error (no id, no code, no props on the wire).</summary>
    public ErrorDefinition? Definition { get; }

    /// <summary>HTTP status of the error.</summary>
    public int Status { get; }

    /// <summary>Placeholder values, in template order.</summary>
    public IReadOnlyList<object?> Props { get; }

    /// <summary>A result sent next to the error (PartialError, degraded <c>server:healthCheck</c>).</summary>
    public Responses.ApiResult? Result { get; init; }

    /// <summary>Sub-errors of a PartialError (206) or MultipleErrorsError, written as <c>errors</c> and <c>count</c>.</summary>
    public IReadOnlyList<object?>? Errors { get; init; }

    /// <summary>An error without id or code, e.g. <c>{"message":"Attribute jwt must be of type \"string\"","status":400}</c>.</summary>
    public static KuzzleException AdHoc(int status, string message) => new(status, message);

    /// <summary>Kuzzle's wording for a non-Kuzzle exception thrown while an action ran.</summary>
    public static KuzzleException FromUnexpected(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception as KuzzleException ?? KuzzleErrors.Plugin.Runtime.UnexpectedError.Create(exception.Message);
    }

    /// <inheritdoc />
    public override string ToString() => Definition is null ? $"{Status} {Message}" : $"{Definition.Id} ({Status}): {Message}";
}

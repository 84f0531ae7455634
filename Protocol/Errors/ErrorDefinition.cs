namespace Kuzzle.Realtime.Protocol.Errors;

/// <summary>One entry of the Kuzzle error catalogue: <c>domain.subdomain.name</c>, its numeric code, HTTP status and message template.</summary>
/// <param name="Id">Full error id, e.g. <c>security.token.invalid</c>.</param>
/// <param name="Code">(domain &lt;&lt; 24) | (subdomain &lt;&lt; 16) | error code.</param>
/// <param name="Status">HTTP status of the error class.</param>
/// <param name="ClassName">Kuzzle error class (BadRequest, Unauthorized, …).</param>
/// <param name="Template">Message template with Node <c>%s</c> placeholders.</param>
public sealed record ErrorDefinition(string Id, int Code, int Status, string ClassName, string Template)
{
    /// <summary>Builds the exception for this error with the given placeholder values.</summary>
    public KuzzleException Create(params object?[] props) => new(this, props);
}

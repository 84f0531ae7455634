using System.Text.Json;
using System.Text.Json.Nodes;
using Jint;
using Jint.Runtime;

namespace Kuzzle.Realtime.Cli.Parsing;

/// <summary>
/// Kourou evaluates bodies and filters as JavaScript (<c>var o = &lt;input&gt;; o</c>), so JSON, object literals with unquoted
/// keys, single quotes and trailing commas, and expressions (<c>{ at: Date.now() }</c>) all work. JSON is read directly; only
/// other input starts a JavaScript engine, with a time and memory limit.
/// </summary>
internal static class JsInput
{
    private static readonly JsonDocumentOptions StrictJson = new() { MaxDepth = 256 };

    /// <summary>Parses a body, filter or volatile text; empty input is <c>{}</c>.</summary>
    /// <param name="input">The text.</param>
    /// <param name="what">What it is, for the error message ("body", "filters").</param>
    public static JsonNode? Parse(string? input, string what)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return new JsonObject();
        }

        try
        {
            return JsonNode.Parse(input, documentOptions: StrictJson);
        }
        catch (JsonException)
        {
            // Not JSON: JavaScript syntax, evaluated below.
        }

        string? json;
        try
        {
            var engine = new Engine(options => options
                .TimeoutInterval(TimeSpan.FromSeconds(5))
                .LimitMemory(64 * 1024 * 1024)
                .LimitRecursion(256)
                .Strict(false));
            engine.Execute("var o = " + input + "\n;");
            var value = engine.Evaluate("o === undefined ? undefined : JSON.stringify(o)");
            json = value.IsUndefined() ? null : value.AsString();
        }
        catch (Exception ex) when (ex is JavaScriptException or Acornima.ParseErrorException or JintException or TimeoutException)
        {
            throw new UsageException($"Cannot parse the {what}: {FirstLine(ex.Message)}");
        }

        return json is null ? null : JsonNode.Parse(json, documentOptions: StrictJson);
    }

    /// <summary>Parses and requires an object (bodies, filters).</summary>
    public static JsonObject ParseObject(string? input, string what) =>
        Parse(input, what) as JsonObject ?? throw new UsageException($"The {what} must be an object");

    private static string FirstLine(string message)
    {
        var newline = message.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? message : message[..newline];
    }
}

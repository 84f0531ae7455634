using System.Text.Json;

namespace Kuzzle.Realtime.Koncorde.Tests.Support;

/// <summary>Test helpers: JSON literals and a small engine wrapper.</summary>
internal static class JsonText
{
    public static JsonElement Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }
}

/// <summary>One engine, one index: register filters and test documents with JSON text.</summary>
internal sealed class Harness
{
    public const string Index = "nyc-open-data/yellow-taxi";

    public Harness(KoncordeOptions? options = null) => Engine = new KoncordeEngine(options);

    public KoncordeEngine Engine { get; }

    public string Register(string filter) => Engine.Register(Index, JsonText.Parse(filter));

    public NormalizedFilter Normalize(string filter) => Engine.Normalize(Index, JsonText.Parse(filter));

    /// <summary>Tests the document parsed, as text and prepared; all must give the same filters.</summary>
    public IReadOnlyList<string> Test(string document, string? id = null)
    {
        var parsed = Engine.Test(Index, JsonText.Parse(document), id);
        var utf8 = System.Text.Encoding.UTF8.GetBytes(document);
        var text = Engine.Test(Index, utf8, id);
        Assert.That(text, Is.EquivalentTo(parsed), $"document {document} read as text");
        using var prepared = KoncordeDocument.Create(utf8, id);
        Assert.That(Engine.Test(Index, prepared), Is.EquivalentTo(parsed), $"document {document} prepared");
        return parsed;
    }

    /// <summary>Does this filter, registered alone, match the document?</summary>
    public static bool Matches(string filter, string document, string? id = null)
    {
        var harness = new Harness();
        var filterId = harness.Register(filter);
        return harness.Test(document, id).Contains(filterId);
    }

    /// <summary>Koncorde's error message for an invalid filter, or null when valid.</summary>
    public static string? Error(string filter, KoncordeOptions? options = null)
    {
        try
        {
            new Harness(options).Normalize(filter);
            return null;
        }
        catch (KoncordeException e)
        {
            return e.Message;
        }
    }
}

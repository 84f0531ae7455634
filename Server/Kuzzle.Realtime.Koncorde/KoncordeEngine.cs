using System.Collections.Concurrent;
using System.Text.Json;
using Kuzzle.Realtime.Koncorde.Json;
using Kuzzle.Realtime.Koncorde.Matching;
using Kuzzle.Realtime.Koncorde.Transform;

namespace Kuzzle.Realtime.Koncorde;

/// <summary>
/// Koncorde 4.7 filter engine: validates and normalises filters (same ids as Koncorde), stores them per
/// "&lt;index&gt;/&lt;collection&gt;" and tests documents against them. Thread-safe: tests run concurrently
/// with each other and with registrations and removals.
/// </summary>
public sealed class KoncordeEngine
{
    private readonly Normalizer _normalizer;
    private readonly Dictionary<string, IndexEngine> _engineTable = [];

    // Copy-on-write snapshot of _engineTable: tests read it without locking (indexes come and go rarely).
    private volatile EngineTable _engines = EngineTable.Empty;
    private readonly ConcurrentDictionary<string, IndexEngine> _owners = new(StringComparer.Ordinal);

    // Serialises writers so that creating and dropping per-index engines cannot race.
    private readonly Lock _writeGate = new();

    // Scratch buffer of the Test overload returning a list.
    [ThreadStatic]
    private static List<string>? t_matches;

    public KoncordeEngine(KoncordeOptions? options = null) => _normalizer = new Normalizer(options ?? new KoncordeOptions());

    /// <summary>Indexes ("&lt;index&gt;/&lt;collection&gt;") holding at least one filter.</summary>
    public IReadOnlyCollection<string> Indexes => [.. _engines.Names];

    /// <summary>Number of stored filters.</summary>
    public int FilterCount => _owners.Count;

    /// <summary>Validates and normalises a filter without storing it.</summary>
    /// <exception cref="KoncordeException">invalid filter, or too many conditions</exception>
    public NormalizedFilter Normalize(string index, JsonElement filter)
    {
        ArgumentNullException.ThrowIfNull(index);
        return _normalizer.Normalize(index, JsValue.FromElement(filter));
    }

    /// <summary>Stores a normalised filter (idempotent) and returns its id.</summary>
    public string Store(NormalizedFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        lock (_writeGate)
        {
            if (!_engineTable.TryGetValue(filter.Index, out var engine))
            {
                engine = new IndexEngine(filter.Index, _normalizer, concurrent: true);
                _engineTable[filter.Index] = engine;
                _engines = new EngineTable(_engineTable);
            }

            engine.Store(filter);
            _owners[filter.Id] = engine;
        }

        return filter.Id;
    }

    /// <summary>Normalize + Store.</summary>
    public string Register(string index, JsonElement filter) => Store(Normalize(index, filter));

    /// <summary>Removes a filter; unknown ids are ignored.</summary>
    public void Remove(string filterId)
    {
        ArgumentNullException.ThrowIfNull(filterId);
        lock (_writeGate)
        {
            if (!_owners.TryRemove(filterId, out var engine))
            {
                return;
            }

            if (engine.Remove(filterId) == 0)
            {
                // Tests that already hold this engine finish against an empty one: nothing matches.
                _engineTable.Remove(engine.Index);
                _engines = new EngineTable(_engineTable);
            }
        }
    }

    public bool Has(string filterId) => filterId is not null && _owners.ContainsKey(filterId);

    /// <summary>Ids of the filters of <paramref name="index"/> matching the document.</summary>
    /// <param name="index">"&lt;index&gt;/&lt;collection&gt;"</param>
    /// <param name="document">the document content</param>
    /// <param name="documentId">the document id, tested by <c>ids</c> and <c>_id</c> conditions</param>
    public IReadOnlyList<string> Test(string index, JsonElement document, string? documentId = null) =>
        _engines.Find(index) is { } engine ? engine.Test(document, documentId) : [];

    /// <summary>
    /// Ids of the filters of <paramref name="index"/> matching the document, given as its JSON text. Indexes
    /// holding only equalities on a few top-level fields read those fields straight from the text (no parse, no
    /// allocation unless something matches); others parse it once.
    /// </summary>
    /// <param name="index">"&lt;index&gt;/&lt;collection&gt;"</param>
    /// <param name="utf8Document">the document content as UTF-8 JSON text; it must be valid JSON (as written by
    /// Utf8JsonWriter): the direct read does not validate it</param>
    /// <param name="documentId">the document id, tested by <c>ids</c> and <c>_id</c> conditions</param>
    /// <exception cref="JsonException">the text is not JSON and the direct read could not be used</exception>
    public IReadOnlyList<string> Test(string index, ReadOnlyMemory<byte> utf8Document, string? documentId = null)
    {
        if (_engines.Find(index) is not { } engine)
        {
            return [];
        }

        if (engine.TryTestEqualsOnly(utf8Document.Span, documentId) is { } direct)
        {
            return direct;
        }

        using var document = JsonDocument.Parse(utf8Document);
        return engine.TestGeneral(document.RootElement, documentId);
    }

    /// <summary>
    /// Appends to <paramref name="matches"/> the ids of the filters of <paramref name="index"/> matching a prepared
    /// document, and returns how many. Indexes holding only equalities on a few top-level fields are tested from
    /// what the document prepared (no parse, no hashing, no allocation); others test it parsed (once per document).
    /// </summary>
    /// <param name="index">"&lt;index&gt;/&lt;collection&gt;"</param>
    /// <param name="document">the document content and id</param>
    /// <param name="matches">receives the ids (the caller's buffer, reusable)</param>
    /// <exception cref="JsonException">the text is not JSON and the direct read could not be used</exception>
    public int Test(string index, KoncordeDocument document, List<string> matches)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(matches);
        if (_engines.Find(index) is not { } engine)
        {
            return 0;
        }

        var before = matches.Count;
        if (!engine.TryTestEqualsOnly(document, matches))
        {
            engine.TestGeneral(document.Parsed, document.Id, matches);
        }

        return matches.Count - before;
    }

    /// <summary>Ids of the filters of <paramref name="index"/> matching a prepared document.</summary>
    /// <exception cref="JsonException">the text is not JSON and the direct read could not be used</exception>
    public IReadOnlyList<string> Test(string index, KoncordeDocument document)
    {
        var matches = t_matches ??= [];
        matches.Clear();
        return Test(index, document, matches) == 0 ? [] : [.. matches];
    }

    /// <summary>Checks a filter's syntax (no condition-count limit, as Koncorde).</summary>
    /// <exception cref="KoncordeException">invalid filter</exception>
    public void Validate(JsonElement filter) => _normalizer.Validate(JsValue.FromElement(filter));

    public IReadOnlyCollection<string> GetFilterIds(string index) =>
        _engines.Find(index) is { } engine ? engine.FilterIds() : [];
}

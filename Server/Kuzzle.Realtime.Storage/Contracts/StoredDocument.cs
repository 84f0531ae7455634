namespace Kuzzle.Realtime.Storage;

/// <summary>A versioned JSON document as stored.</summary>
/// <param name="Id">The document id, unique within its collection.</param>
/// <param name="Json">The document body: the text of one JSON object.</param>
/// <param name="Version">1 after creation, incremented by every write; the token for optimistic concurrency.</param>
public sealed record StoredDocument(string Id, string Json, long Version);

/// <summary>A secondary lookup term written with a document, e.g. ("profileIds", "admin") or ("userId", "kuid1").</summary>
/// <param name="Field">The term name; must not contain ':'.</param>
/// <param name="Value">The exact value looked up (no analysis, case-sensitive).</param>
public readonly record struct IndexTerm(string Field, string Value);

/// <summary>One page of documents ordered by id (ordinal, byte-wise UTF-8 order).</summary>
/// <param name="Total">How many documents match in total, not only on this page.</param>
/// <param name="Items">The documents of the page.</param>
public sealed record DocumentPage(long Total, IReadOnlyList<StoredDocument> Items);

using System.Text.Json;
using Kuzzle.Realtime.Strategies;

namespace Kuzzle.Realtime.Strategies.Tests;

/// <summary>An <see cref="IStrategyCredentialStore"/> in memory, with the contract's versioning and conflict rules.</summary>
public sealed class InMemoryCredentialStore : IStrategyCredentialStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Collection, string Id), StrategyDocument> _documents = [];

    public int Count(string collection)
    {
        lock (_lock)
        {
            return _documents.Keys.Count(k => k.Collection == collection);
        }
    }

    /// <summary>The raw JSON of a document, for assertions on what is stored.</summary>
    public string? Raw(string collection, string id)
    {
        lock (_lock)
        {
            return _documents.TryGetValue((collection, id), out var document) ? document.Source.GetRawText() : null;
        }
    }

    public ValueTask<StrategyDocument?> GetAsync(string collection, string id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_documents.GetValueOrDefault((collection, id)));
        }
    }

    public ValueTask<long> PutAsync(string collection, string id, JsonElement source, long expectedVersion, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var exists = _documents.TryGetValue((collection, id), out var current);
            if (expectedVersion == StrategyDocument.Absent ? exists : !exists || current!.Version != expectedVersion)
            {
                throw new StrategyStoreConflictException();
            }

            var version = (current?.Version ?? 0) + 1;
            _documents[(collection, id)] = new StrategyDocument(id, version, source.Clone());
            return ValueTask.FromResult(version);
        }
    }

    public ValueTask<bool> DeleteAsync(string collection, string id, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_documents.TryGetValue((collection, id), out var current))
            {
                return ValueTask.FromResult(false);
            }

            if (expectedVersion is { } version && version != current.Version)
            {
                throw new StrategyStoreConflictException();
            }

            _documents.Remove((collection, id));
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<IReadOnlyList<StrategyDocument>> FindAsync(string collection, string field, string value, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<StrategyDocument> hits = [.. _documents
                .Where(d => d.Key.Collection == collection
                    && d.Value.Source.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() == value)
                .Select(d => d.Value)
                .OrderBy(d => d.Id, StringComparer.Ordinal)
                .Take(limit)];
            return ValueTask.FromResult(hits);
        }
    }
}

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Users' profiles and roles for policy tests.</summary>
public sealed class FakeUserDirectory : IStrategyUserDirectory
{
    public Dictionary<string, StrategyUserSecurity> Users { get; } = [];

    public ValueTask<StrategyUserSecurity?> GetUserSecurityAsync(string kuid, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Users.GetValueOrDefault(kuid));
}

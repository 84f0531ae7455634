namespace Kuzzle.Realtime.Koncorde.Matching;

/// <summary>
/// Immutable index name → engine table, replaced whole when an index gains its first filter or loses its last,
/// so lookups take no lock. A handful of indexes is the common case: they are compared in a row, which costs
/// less than hashing the name; more go through a dictionary.
/// </summary>
internal sealed class EngineTable
{
    private const int MaxScanned = 8;

    public static readonly EngineTable Empty = new(new Dictionary<string, IndexEngine>());

    private readonly string[] _names;
    private readonly IndexEngine[] _engines;
    private readonly Dictionary<string, IndexEngine>? _byName;

    public EngineTable(IReadOnlyDictionary<string, IndexEngine> engines)
    {
        _names = [.. engines.Keys];
        _engines = [.. _names.Select(n => engines[n])];
        _byName = _names.Length > MaxScanned ? new Dictionary<string, IndexEngine>(engines, StringComparer.Ordinal) : null;
    }

    public IReadOnlyCollection<string> Names => _names;

    public IndexEngine? Find(string index)
    {
        if (_byName is not null)
        {
            return _byName.GetValueOrDefault(index);
        }

        var names = _names;
        for (var i = 0; i < names.Length; i++)
        {
            // Callers often pass the same string instance each time: the reference check settles it at once.
            if (ReferenceEquals(names[i], index) || string.Equals(names[i], index, StringComparison.Ordinal))
            {
                return _engines[i];
            }
        }

        return null;
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Koncorde.Tests.Support;
using Kuzzle.Realtime.Koncorde.Transform;

namespace Kuzzle.Realtime.Koncorde.Tests;

/// <summary>
/// Seeded random filters and documents, run through both this engine and npm koncorde 4.7.0:
/// same validation outcome and message, same subfilters, same ids where Kuzzle's ids are reproducible,
/// and the same filters matching every document, before and after removing half of the filters.
/// </summary>
[Category("Node")]
[NonParallelizable]
public sealed class DifferentialTests
{
    private const string Index = "diff/collection";
    private NodeKoncorde? _node;

    [OneTimeSetUp]
    public void StartNode() => _node = NodeKoncorde.Start();

    [OneTimeTearDown]
    public void StopNode() => _node?.Dispose();

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(5)]
    [TestCase(6)]
    public void Random_filters_and_documents_agree_with_koncorde(int seed)
    {
        const int filterCount = 300;
        const int documentCount = 300;
        var cases = new RandomCases(seed);
        var ours = new KoncordeEngine();
        var filters = new List<(string Json, bool Reproducible)>();
        for (var i = 0; i < filterCount; i++)
        {
            var node = cases.Filter(out var reproducible);
            filters.Add((node.ToJsonString(), reproducible));
        }

        // A few exact duplicates: identical filters must share ids on both sides.
        filters.AddRange(filters.Take(20).ToList());

        var requests = new List<string> { """{"op":"reset"}""" };
        requests.AddRange(filters.Select(f => $$"""{"op":"register","index":"{{Index}}","filter":{{f.Json}}}"""));
        var responses = _node!.Send(requests);

        var ourIds = new string?[filters.Count];
        var theirIds = new string?[filters.Count];
        var compared = 0;
        var crashed = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < filters.Count; i++)
        {
            var response = responses[i + 1];
            string? ourError = null;
            NormalizedFilter? normalized = null;
            try
            {
                normalized = ours.Normalize(Index, JsonText.Parse(filters[i].Json));
                ours.Store(normalized);
            }
            catch (KoncordeException e)
            {
                ourError = e.Message;
            }

            var context = $"seed {seed}, filter {filters[i].Json}";
            if (crashed.Contains(filters[i].Json)
                || (response.TryGetProperty("error", out var crash) && crash.GetString()!.Contains("is not a function", StringComparison.Ordinal)))
            {
                crashed.Add(filters[i].Json);
                // Koncorde crashes storing a negated select (or a negated "nothing"): we store it. Nothing to compare.
                if (normalized is not null)
                {
                    ours.Remove(normalized.Id);
                }

                continue;
            }

            if (response.TryGetProperty("error", out var error))
            {
                Assert.That(ourError, Is.EqualTo(error.GetString()), context);
                continue;
            }

            Assert.That(ourError, Is.Null, context);
            ourIds[i] = normalized!.Id;
            theirIds[i] = response.GetProperty("id").GetString();
            var theirSubfilters = response.GetProperty("subfilters").EnumerateArray().Select(s => s.GetString()!).ToList();
            var ourSubfilters = normalized.Subfilters.Select(CanonicalJson.SubfilterKey).ToList();
            if (filters[i].Reproducible)
            {
                Assert.That(ourSubfilters, Is.EqualTo(theirSubfilters), context);
                Assert.That(ourIds[i], Is.EqualTo(theirIds[i]), context);
                compared++;
            }
            else
            {
                Assert.That(ourSubfilters, Is.EquivalentTo(theirSubfilters), context);
                if (ourSubfilters.SequenceEqual(theirSubfilters))
                {
                    Assert.That(ourIds[i], Is.EqualTo(theirIds[i]), context);
                }
            }
        }

        for (var i = 0; i < 20; i++)
        {
            Assert.That(ourIds[filterCount + i], Is.EqualTo(ourIds[i]));
            Assert.That(theirIds[filterCount + i], Is.EqualTo(theirIds[i]));
        }

        Assert.That(compared, Is.GreaterThan(filterCount / 3), "too few reproducible filters compared");

        var documents = Enumerable.Range(0, documentCount).Select(_ => (Json: cases.Document(out var id).ToJsonString(), Id: id)).ToList();
        var totalMatches = CompareMatches(seed, ours, documents, ourIds, theirIds);
        Assert.That(totalMatches, Is.GreaterThan(documentCount), "documents should match some filters");

        // Remove every other filter from both engines, then compare again.
        var removals = new List<string>();
        for (var i = 0; i < filters.Count; i += 2)
        {
            if (ourIds[i] is { } ourId)
            {
                ours.Remove(ourId);
                removals.Add($$"""{"op":"remove","index":"{{Index}}","id":"{{theirIds[i]}}"}""");
            }
        }

        _node.Send(removals);
        for (var i = 0; i < filters.Count; i += 2)
        {
            var ourId = ourIds[i];
            if (ourId is null)
            {
                continue;
            }

            // Duplicates of a removed filter are gone too.
            for (var j = 0; j < filters.Count; j++)
            {
                if (ourIds[j] == ourId)
                {
                    ourIds[j] = null;
                    theirIds[j] = null;
                }
            }
        }

        CompareMatches(seed, ours, documents, ourIds, theirIds);
    }

    private int CompareMatches(int seed, KoncordeEngine ours, List<(string Json, string? Id)> documents, string?[] ourIds, string?[] theirIds)
    {
        var requests = documents.Select(d => d.Id is null
            ? $$"""{"op":"test","index":"{{Index}}","doc":{{d.Json}}}"""
            : $$"""{"op":"test","index":"{{Index}}","doc":{{d.Json}},"docId":"{{d.Id}}"}""").ToList();
        var responses = _node!.Send(requests);
        var total = 0;

        // One prepared document reused for every test, as the publish path does.
        using var prepared = new KoncordeDocument();
        var preparedMatches = new List<string>();
        for (var d = 0; d < documents.Count; d++)
        {
            var theirs = responses[d].GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToHashSet();
            var mine = ours.Test(Index, JsonText.Parse(documents[d].Json), documents[d].Id).ToHashSet();
            var fromText = ours.Test(Index, System.Text.Encoding.UTF8.GetBytes(documents[d].Json), documents[d].Id);
            Assert.That(fromText, Is.EquivalentTo(mine), $"seed {seed}, document {documents[d].Json} read as text");
            prepared.Load(System.Text.Encoding.UTF8.GetBytes(documents[d].Json), documents[d].Id);
            preparedMatches.Clear();
            ours.Test(Index, prepared, preparedMatches);
            Assert.That(preparedMatches, Is.EquivalentTo(mine), $"seed {seed}, document {documents[d].Json} prepared");
            var theirFilters = Enumerable.Range(0, theirIds.Length).Where(i => theirIds[i] is { } id && theirs.Contains(id)).ToList();
            var ourFilters = Enumerable.Range(0, ourIds.Length).Where(i => ourIds[i] is { } id && mine.Contains(id)).ToList();
            Assert.That(ourFilters, Is.EqualTo(theirFilters), $"seed {seed}, document {documents[d].Json} id {documents[d].Id}");
            total += ourFilters.Count;
        }

        return total;
    }
}

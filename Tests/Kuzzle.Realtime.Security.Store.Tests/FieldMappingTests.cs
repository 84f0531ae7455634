using System.Text.Json.Nodes;
using Kuzzle.Realtime.Security.Store.Search;

namespace Kuzzle.Realtime.Security.Store.Tests;

/// <summary>Which fields a mapping makes searchable (security.md §7.1).</summary>
public sealed class FieldMappingTests
{
    private static FieldMapping Mapping(string json) => FieldMapping.From(JsonNode.Parse(json)!.AsObject());

    [TestCase("profileIds", true)]
    [TestCase("name", false)]
    [TestCase("address.city", true)]
    [TestCase("address.zip", false)]
    [TestCase("address", true)]
    [TestCase("secret", false)]
    [TestCase("blob.anything", false)]
    [TestCase("tags.x", true)]
    [TestCase("_id", true)]
    [TestCase("_kuzzle_info.author", true)]
    public void Declared_fields_only_under_dynamic_false(string path, bool searchable)
    {
        var mapping = Mapping("""
            {"dynamic":"false","properties":{
              "profileIds":{"type":"keyword"},
              "address":{"properties":{"city":{"type":"keyword"}}},
              "secret":{"type":"keyword","index":false},
              "blob":{"type":"object","enabled":false},
              "tags":{"dynamic":true,"properties":{}}}}
            """);
        Assert.That(mapping.IsSearchable(path), Is.EqualTo(searchable));
    }

    [TestCase("anything", true)]
    [TestCase("meta.deep", true)]
    [TestCase("closed.inner", false)]
    public void Dynamic_true_is_inherited_until_an_object_turns_it_off(string path, bool searchable)
    {
        var mapping = Mapping("""{"dynamic":"true","properties":{"closed":{"dynamic":"strict","properties":{}}}}""");
        Assert.That(mapping.IsSearchable(path), Is.EqualTo(searchable));
    }

    [Test]
    public void Everything_is_searchable_without_a_mapping() =>
        Assert.That(FieldMapping.Everything.IsSearchable("any.path"), Is.True);

    [Test]
    public void A_malformed_clause_on_an_unmapped_field_is_still_an_error()
    {
        var mapping = Mapping("""{"dynamic":"false","properties":{}}""");
        var error = Assert.Throws<Kuzzle.Realtime.Protocol.Errors.KuzzleException>(() =>
            SearchQuery.Parse(System.Text.Json.JsonDocument.Parse("""{"query":{"term":{"a":{"x":1}}}}""").RootElement, mapping: mapping));
        Assert.That(error!.Definition?.Id, Is.EqualTo("services.storage.invalid_search_query"));
    }
}

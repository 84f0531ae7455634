using System.Text;
using System.Text.Json;

namespace Kuzzle.Realtime.Security.Tests;

/// <summary>security.md §3.4: getUserRights / getProfileRights / getMyRights.</summary>
public sealed class RightsListingTests
{
    private static readonly Dictionary<string, Role> Roles = new[]
    {
        ("all", """{"controllers":{"*":{"actions":{"*":true}}}}"""),
        ("reader", """{"controllers":{"document":{"actions":{"get":true,"create":false}}}}"""),
        ("writer", """{"controllers":{"document":{"actions":{"create":true}}}}"""),
    }.ToDictionary(r => r.Item1, r => Role.Parse(r.Item1, TestJson.Parse(r.Item2)));

    private static CompiledRights Compile(string id, string json) =>
        CompiledRights.Compile(Profile.Parse(id, TestJson.Parse(json)), Roles);

    private static string Json(IReadOnlyList<RightsItem> items)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            RightsItem.WriteListing(writer, items);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Test]
    public void Bootstrap_profile_lists_the_wildcards_as_written()
    {
        var admin = CompiledRights.Compile(BuiltInSecurity.BootstrapProfiles[0], BuiltInSecurity.BootstrapRoles.ToDictionary(r => r.Id));
        Assert.That(
            Json(admin.ListRights()),
            Is.EqualTo("""{"hits":[{"action":"*","collection":"*","controller":"*","index":"*","value":"allowed"}],"total":1}"""));
    }

    [Test]
    public void Restrictions_expand_per_index_and_sorted_collection()
    {
        var profile = Compile("p", """
            {"policies":[{"roleId":"reader","restrictedTo":[{"index":"nyc","collections":["yellow","green","yellow"]},{"index":"mtp"}]}]}
            """);
        Assert.That(profile.ListRights(), Is.EqualTo(new[]
        {
            new RightsItem("document", "get", "nyc", "green", true),
            new RightsItem("document", "get", "nyc", "yellow", true),
            new RightsItem("document", "get", "mtp", "*", true),
            new RightsItem("document", "create", "nyc", "green", false),
            new RightsItem("document", "create", "nyc", "yellow", false),
            new RightsItem("document", "create", "mtp", "*", false),
        }));
    }

    [Test]
    public void Same_right_allowed_and_denied_appears_twice()
    {
        var profile = Compile("p", """{"policies":[{"roleId":"reader"},{"roleId":"writer"}]}""");
        var items = profile.ListRights();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(items, Has.Count.EqualTo(3));
            Assert.That(items.Where(i => i.Action == "create").Select(i => i.Value), Is.EqualTo(new[] { "denied", "allowed" }));
        }
    }

    [Test]
    public void Identical_items_are_merged_across_policies_and_profiles()
    {
        var one = Compile("one", """{"policies":[{"roleId":"writer"},{"roleId":"writer"}]}""");
        var two = Compile("two", """{"policies":[{"roleId":"writer"},{"roleId":"writer","restrictedTo":[{"index":"i"}]}]}""");
        Assert.That(RightsEvaluator.ListRights([one, two]), Is.EqualTo(new[]
        {
            new RightsItem("document", "create", "*", "*", true),
            new RightsItem("document", "create", "i", "*", true),
        }));
    }

    [Test]
    public void User_listing_spans_profiles_in_order()
    {
        var reader = Compile("r", """{"policies":[{"roleId":"reader"}]}""");
        var all = Compile("a", """{"policies":[{"roleId":"all"}]}""");
        Assert.That(
            RightsEvaluator.ListRights([reader, all]).Select(i => $"{i.Controller}:{i.Action}:{i.Value}"),
            Is.EqualTo(new[] { "document:get:allowed", "document:create:denied", "*:*:allowed" }));
    }

    [Test]
    public void No_profiles_no_rights() =>
        Assert.That(Json(RightsEvaluator.ListRights([])), Is.EqualTo("""{"hits":[],"total":0}"""));
}

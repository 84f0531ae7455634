namespace Kuzzle.Realtime.Security.Tests;

/// <summary>security.md §3.2–§3.3: user-level decisions over a fixed world of roles and profiles.</summary>
public sealed class RightsResolutionTests
{
    private static readonly Dictionary<string, Role> Roles = new[]
    {
        ("all", """{"controllers":{"*":{"actions":{"*":true}}}}"""),
        ("denyAll", """{"controllers":{"*":{"actions":{"*":false}}}}"""),
        ("reader", """{"controllers":{"document":{"actions":{"get":true,"search":true}},"collection":{"actions":{"list":true}}}}"""),
        ("shadow", """{"controllers":{"document":{"actions":{"get":true}},"*":{"actions":{"*":true}}}}"""),
        ("noCreate", """{"controllers":{"document":{"actions":{"create":false,"*":true}}}}"""),
        ("realtime", """{"controllers":{"realtime":{"actions":{"subscribe":true,"publish":true}}}}"""),
        ("server", """{"controllers":{"server":{"actions":{"now":true}}}}"""),
        ("noLogin", """{"controllers":{"auth":{"actions":{"checkToken":true}}}}"""),
        ("writer", """{"controllers":{"document":{"actions":{"create":true,"mCreate":true}}}}"""),
    }.ToDictionary(r => r.Item1, r => Role.Parse(r.Item1, TestJson.Parse(r.Item2)));

    private static readonly Dictionary<string, CompiledRights> Profiles = new[]
    {
        ("all", """{"policies":[{"roleId":"all"}]}"""),
        ("denyAll", """{"policies":[{"roleId":"denyAll"}]}"""),
        ("nycReader", """
            {"policies":[{"roleId":"reader","restrictedTo":[
              {"index":"nyc","collections":["yellow","green"]},{"index":"mtp"}]}]}
            """),
        ("shadow", """{"policies":[{"roleId":"shadow"}]}"""),
        ("noCreate", """{"policies":[{"roleId":"noCreate"}]}"""),
        ("denyThenRead", """{"policies":[{"roleId":"denyAll"},{"roleId":"reader"}]}"""),
        ("chat", """{"policies":[{"roleId":"realtime","restrictedTo":[{"index":"chat","collections":[]}]}]}"""),
        ("merged", """{"policies":[{"roleId":"reader","restrictedTo":[{"index":"i"},{"index":"i","collections":["a"]}]}]}"""),
        ("emptyRestrictions", """{"policies":[{"roleId":"reader","restrictedTo":[]}]}"""),
        ("twoPolicies", """
            {"policies":[{"roleId":"reader","restrictedTo":[{"index":"a"}]},
                         {"roleId":"writer","restrictedTo":[{"index":"b","collections":["c1"]}]}]}
            """),
        ("server", """{"policies":[{"roleId":"server"}]}"""),
        ("noLogin", """{"policies":[{"roleId":"noLogin"}]}"""),
        ("writerBC", """{"policies":[{"roleId":"writer","restrictedTo":[{"index":"b","collections":["c1","c2"]}]}]}"""),
    }.ToDictionary(p => p.Item1, p => CompiledRights.Compile(Profile.Parse(p.Item1, TestJson.Parse(p.Item2)), Roles));

    private static IEnumerable<TestCaseData> Rows()
    {
        // kuid, profiles, controller, action, index, collection, expected, why
        yield return Row("u", "all", "document", "create", "any", "thing", true, "all-allowed profile");
        yield return Row("u", "denyAll", "document", "get", null, null, false, "everything denied");
        yield return Row("u", "", "document", "get", null, null, false, "no profile at all");
        yield return Row("u", "nycReader", "document", "get", "nyc", "yellow", true, "listed collection");
        yield return Row("u", "nycReader", "document", "get", "nyc", "green", true, "second listed collection");
        yield return Row("u", "nycReader", "document", "get", "nyc", "blue", false, "collection not listed");
        yield return Row("u", "nycReader", "document", "get", "nyc", null, true, "index without collection (Kuzzle quirk)");
        yield return Row("u", "nycReader", "document", "get", "mtp", "anything", true, "index listed without collections");
        yield return Row("u", "nycReader", "document", "get", "paris", "yellow", false, "index not listed");
        yield return Row("u", "nycReader", "document", "get", null, null, true, "no index: restrictions ignored");
        yield return Row("u", "nycReader", "document", "get", "", "yellow", true, "empty index counts as none");
        yield return Row("u", "nycReader", "document", "create", "nyc", "yellow", false, "covered but role denies");
        yield return Row("u", "nycReader", "collection", "list", "nyc", null, true, "index-level action on a restricted index");
        yield return Row("u", "nycReader", "document", "get", "NYC", "yellow", false, "index names are case-sensitive");
        yield return Row("u", "shadow", "document", "create", null, null, false, "specific entry shadows *");
        yield return Row("u", "shadow", "realtime", "subscribe", "i", "c", true, "wildcard controller");
        yield return Row("u", "noCreate", "document", "create", "i", "c", false, "explicit false beats *");
        yield return Row("u", "noCreate", "document", "update", "i", "c", true, "* action");
        yield return Row("u", "denyThenRead", "document", "get", "i", "c", true, "explicit false elsewhere never revokes");
        yield return Row("u", "denyThenRead", "document", "create", "i", "c", false, "nobody allows create");
        yield return Row("u", "denyAll,nycReader", "document", "get", "nyc", "green", true, "second profile allows");
        yield return Row("u", "nycReader,denyAll", "document", "get", "paris", "x", false, "no profile covers");
        yield return Row("u", "nycReader,all", "document", "delete", "paris", "x", true, "any profile suffices");
        yield return Row("u", "chat", "realtime", "subscribe", "chat", "room1", true, "empty collections list = all");
        yield return Row("u", "chat", "realtime", "subscribe", "other", "room1", false, "other index");
        yield return Row("u", "chat", "realtime", "subscribe", null, null, true, "no index on a restricted policy");
        yield return Row("u", "merged", "document", "get", "i", "a", true, "merged restriction keeps a");
        yield return Row("u", "merged", "document", "get", "i", "b", false, "an index-wide entry is narrowed by a later one (Kuzzle)");
        yield return Row("u", "emptyRestrictions", "document", "get", "any", "thing", true, "empty restrictedTo = unrestricted");
        yield return Row("u", "twoPolicies", "document", "get", "a", "x", true, "first policy: reader on a");
        yield return Row("u", "twoPolicies", "document", "get", "b", "c1", false, "reader is not granted on b");
        yield return Row("u", "twoPolicies", "document", "create", "b", "c1", true, "writer on b/c1");
        yield return Row("u", "twoPolicies", "document", "create", "a", "x", false, "writer is not granted on a");
        yield return Row("u", "twoPolicies", "document", "create", "b", "c2", false, "writer only on c1");
        yield return Row("u", "server", "server", "now", null, null, true, "server:now");
        yield return Row("u", "server", "server", "info", null, null, false, "server:info not listed");
        yield return Row("-1", "noLogin", "auth", "login", null, null, true, "anonymous may always log in");
        yield return Row("-1", "denyAll", "auth", "login", null, null, true, "even with an all-denying role");
        yield return Row("-1", "", "auth", "login", null, null, true, "even without profiles");
        yield return Row("u", "noLogin", "auth", "login", null, null, false, "only anonymous gets the login exception");
        yield return Row("-1", "noLogin", "auth", "logout", null, null, false, "the exception is login only");
        yield return Row("-1", "noLogin", "auth", "checkToken", null, null, true, "anonymous role rights apply otherwise");
    }

    private static TestCaseData Row(
        string kuid, string profiles, string controller, string action, string? index, string? collection, bool expected, string why) =>
        new TestCaseData(kuid, profiles, new RightsRequest(controller, action, index, collection))
            .Returns(expected)
            .SetName($"[{kuid}|{profiles}] {controller}:{action} {index}/{collection}: {why}");

    [TestCaseSource(nameof(Rows))]
    public bool User_level(string kuid, string profiles, RightsRequest request) =>
        RightsEvaluator.IsAllowed(kuid, Of(profiles), request);

    private static IEnumerable<TestCaseData> TargetRows()
    {
        static RightsTarget T(string? index, params string[]? collections) => new(index, collections);

        yield return TargetRow("writerBC", "mCreate", [T("b", "c1", "c2")], true, "every collection covered");
        yield return TargetRow("writerBC", "mCreate", [T("b", "c1", "c3")], false, "one collection not covered");
        yield return TargetRow("writerBC", "mCreate", [T("b", "c1"), T("x", "c1")], false, "second target not covered");
        yield return TargetRow("writerBC", "mCreate", [T("b*", "c1")], false, "wildcard index refused");
        yield return TargetRow("writerBC", "mCreate", [T("b", "c*")], false, "wildcard collection refused");
        yield return TargetRow("all", "mCreate", [T("*", "c")], false, "wildcards refused even when everything is allowed");
        yield return TargetRow("writerBC", "mCreate", [T("b", null)], true, "incomplete target skipped");
        yield return TargetRow("writerBC", "mCreate", [T(null, "c9")], true, "target without index skipped");
        yield return TargetRow("writerBC", "search", [T("b", "c1")], false, "action denied by every role");
        yield return TargetRow("writerBC", "search", [T("b", null)], false, "denied action stays denied without complete targets");
        yield return TargetRow("nycReader,writerBC", "mCreate", [T("nyc", "yellow")], false, "reader covers nyc but does not allow mCreate");
        yield return TargetRow("twoPolicies", "get", [T("a", "x", "y")], true, "reader policy covers a/*");
        yield return TargetRow("twoPolicies", "get", [T("b", "c1")], false, "writer covers b/c1 but does not allow get");
    }

    private static TestCaseData TargetRow(string profiles, string action, RightsTarget[] targets, bool expected, string why) =>
        new TestCaseData(profiles, new RightsRequest("document", action, Targets: targets))
            .Returns(expected)
            .SetName($"targets [{profiles}] document:{action}: {why}");

    [TestCaseSource(nameof(TargetRows))]
    public bool Multi_target(string profiles, RightsRequest request) =>
        RightsEvaluator.IsAllowed("u", Of(profiles), request);

    [Test]
    public void Index_and_collection_arguments_are_ignored_when_targets_are_given()
    {
        var request = new RightsRequest("document", "mCreate", "elsewhere", "nope", [new RightsTarget("b", ["c1"])]);
        Assert.That(RightsEvaluator.IsAllowed("u", Of("writerBC"), request), Is.True);
    }

    [Test]
    public void Empty_targets_fall_back_to_index_and_collection()
    {
        var request = new RightsRequest("document", "mCreate", "x", "y", []);
        Assert.That(RightsEvaluator.IsAllowed("u", Of("writerBC"), request), Is.False);
    }

    [Test]
    public void A_check_allocates_nothing()
    {
        var profiles = Of("denyAll,twoPolicies,nycReader");
        var request = new RightsRequest("document", "get", "nyc", "green");
        RightsEvaluator.IsAllowed("u", profiles, request);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var allowed = 0;
        for (var i = 0; i < 1000; i++)
        {
            allowed += RightsEvaluator.IsAllowed("u", profiles, request) ? 1 : 0;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(allowed, Is.EqualTo(1000));
            Assert.That(allocated, Is.Zero);
        }
    }

    private static CompiledRights[] Of(string profiles) =>
        [.. profiles.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => Profiles[p])];
}

namespace Kuzzle.Realtime.Security.Tests;

/// <summary>security.md §3.1, row by row, on the reference and the compiled implementation.</summary>
public sealed class RoleResolutionTests
{
    private static IEnumerable<TestCaseData> Rows()
    {
        const string all = """{"controllers":{"*":{"actions":{"*":true}}}}""";
        const string none = """{"controllers":{"*":{"actions":{"*":false}}}}""";
        const string shadow = """{"controllers":{"document":{"actions":{"get":true}},"*":{"actions":{"*":true}}}}""";
        const string createFalse = """{"controllers":{"document":{"actions":{"create":false,"*":true}}}}""";
        const string specificTrue = """{"controllers":{"document":{"actions":{"*":false,"get":true}}}}""";
        const string onlyGet = """{"controllers":{"document":{"actions":{"get":true}}}}""";
        const string ms = """{"controllers":{"ms":{"actions":{"get":true}},"memoryStorage":{"actions":{"set":true}}}}""";
        const string memoryStorage = """{"controllers":{"memoryStorage":{"actions":{"set":true}},"*":{"actions":{"*":true}}}}""";
        const string wildcardActionOnNamed = """{"controllers":{"realtime":{"actions":{"*":true}},"auth":{"actions":{"login":true}}}}""";

        yield return Row(all, "document", "create", true, "wildcard controller and action");
        yield return Row(all, "anything", "whatever", true, "wildcard covers unknown names too");
        yield return Row(none, "document", "get", false, "explicit false wildcard");
        yield return Row(shadow, "document", "get", true, "specific entry, listed action");
        yield return Row(shadow, "document", "create", false, "specific entry shadows the * controller");
        yield return Row(shadow, "realtime", "subscribe", true, "other controllers fall back to *");
        yield return Row(createFalse, "document", "create", false, "create:false beats *:true");
        yield return Row(createFalse, "document", "get", true, "action * inside an entry");
        yield return Row(createFalse, "realtime", "publish", false, "no entry, no * controller");
        yield return Row(specificTrue, "document", "get", true, "get:true beats *:false");
        yield return Row(specificTrue, "document", "search", false, "*:false");
        yield return Row(onlyGet, "document", "search", false, "no action, no *");
        yield return Row(onlyGet, "Document", "get", false, "controller names are case-sensitive");
        yield return Row(onlyGet, "document", "GET", false, "action names are case-sensitive");
        yield return Row(ms, "ms", "get", true, "ms alias: ms entry wins");
        yield return Row(ms, "memoryStorage", "get", true, "memoryStorage request uses the ms entry");
        yield return Row(ms, "memoryStorage", "set", false, "the memoryStorage entry is ignored when ms exists");
        yield return Row(memoryStorage, "ms", "set", true, "ms request uses the memoryStorage entry");
        yield return Row(memoryStorage, "ms", "get", false, "the alias entry shadows *");
        yield return Row(memoryStorage, "document", "get", true, "others still use *");
        yield return Row(wildcardActionOnNamed, "realtime", "join", true, "named controller, * action");
        yield return Row(wildcardActionOnNamed, "auth", "logout", false, "named controller without * action");
        yield return Row(wildcardActionOnNamed, "server", "now", false, "no entry, no *");
    }

    private static TestCaseData Row(string role, string controller, string action, bool expected, string why) =>
        new TestCaseData(role, controller, action).Returns(expected).SetName($"{controller}:{action} {why}");

    [TestCaseSource(nameof(Rows))]
    public bool Reference_implementation(string role, string controller, string action) =>
        Role.Parse("r", TestJson.Parse(role)).IsActionAllowed(controller, action);

    [TestCaseSource(nameof(Rows))]
    public bool Compiled_table(string role, string controller, string action) =>
        CompiledRole.Compile(Role.Parse("r", TestJson.Parse(role))).IsActionAllowed(controller, action);

    [Test]
    public void Compiled_table_agrees_with_reference_on_random_roles()
    {
        var random = new Random(20261127);
        string[] controllers = ["*", "document", "realtime", "ms", "memoryStorage", "auth"];
        string[] actions = ["*", "get", "create", "login", "set"];
        for (var round = 0; round < 2000; round++)
        {
            var entries = new List<RoleController>();
            foreach (var controller in controllers.OrderBy(_ => random.Next()).Take(random.Next(1, controllers.Length)))
            {
                var rights = actions.OrderBy(_ => random.Next()).Take(random.Next(1, actions.Length))
                    .Select(a => new KeyValuePair<string, bool>(a, random.Next(2) == 0)).ToList();
                entries.Add(new RoleController(controller, rights));
            }

            var role = new Role("r", entries);
            var compiled = CompiledRole.Compile(role);
            foreach (var controller in controllers.Append("server"))
            {
                foreach (var action in actions.Append("now"))
                {
                    Assert.That(
                        compiled.IsActionAllowed(controller, action),
                        Is.EqualTo(role.IsActionAllowed(controller, action)),
                        $"round {round}: {controller}:{action}");
                }
            }
        }
    }

    [TestCase("""{"controllers":{"auth":{"actions":{"login":true}}}}""", true)]
    [TestCase("""{"controllers":{"auth":{"actions":{"*":true}}}}""", true)]
    [TestCase("""{"controllers":{"*":{"actions":{"*":true}}}}""", true)]
    [TestCase("""{"controllers":{"*":{"actions":{"login":true}}}}""", true)]
    [TestCase("""{"controllers":{"auth":{"actions":{"login":false}},"*":{"actions":{"login":true}}}}""", true)]
    [TestCase("""{"controllers":{"auth":{"actions":{"login":false,"*":true}}}}""", true)]
    [TestCase("""{"controllers":{"auth":{"actions":{"login":false}}}}""", false)]
    [TestCase("""{"controllers":{"auth":{"actions":{"logout":true}}}}""", false)]
    [TestCase("""{"controllers":{"document":{"actions":{"*":true}}}}""", false)]
    public void CanLogIn_is_the_lax_guard(string role, bool expected) =>
        Assert.That(Role.Parse("r", TestJson.Parse(role)).CanLogIn(), Is.EqualTo(expected));
}

namespace Kuzzle.Realtime.Security.Tests;

/// <summary>security.md §1.3: one case per rule, with Kuzzle's error id and placeholders.</summary>
public sealed class RoleValidationTests
{
    private static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> Known = KuzzleNativeApi.With(
        new Dictionary<string, IReadOnlySet<string>>
        {
            ["myPlugin/ctrl"] = new HashSet<string> { "hello", "bye" },
            ["realtime"] = new HashSet<string> { "customAction" },
        });

    [TestCase("{}", SecurityErrorIds.MissingArgument, "r.controllers")]
    [TestCase("""{"controllers":null}""", SecurityErrorIds.MissingArgument, "r.controllers")]
    [TestCase("""{"controllers":[]}""", SecurityErrorIds.InvalidType, "r.controllers", "object")]
    [TestCase("""{"controllers":"document"}""", SecurityErrorIds.InvalidType, "r.controllers", "object")]
    [TestCase("""{"controllers":{}}""", SecurityErrorIds.EmptyArgument, "r.controllers")]
    [TestCase("""{"controllers":{"document":true}}""", SecurityErrorIds.InvalidType, "document", "object")]
    [TestCase("""{"controllers":{"document":[]}}""", SecurityErrorIds.InvalidType, "document", "object")]
    [TestCase("""{"controllers":{"document":{}}}""", SecurityErrorIds.EmptyArgument, "document")]
    [TestCase("""{"controllers":{"document":{"action":{"get":true}}}}""", SecurityErrorIds.MissingArgument, "document")]
    [TestCase("""{"controllers":{"document":{"actions":null}}}""", SecurityErrorIds.InvalidType, "document.actions", "object")]
    [TestCase("""{"controllers":{"document":{"actions":[true]}}}""", SecurityErrorIds.InvalidType, "document.actions", "object")]
    [TestCase("""{"controllers":{"document":{"actions":{}}}}""", SecurityErrorIds.EmptyArgument, "document.actions")]
    [TestCase("""{"controllers":{"document":{"actions":{"get":"true"}}}}""", SecurityErrorIds.InvalidType, "document.actions.get", "boolean")]
    [TestCase("""{"controllers":{"document":{"actions":{"get":1}}}}""", SecurityErrorIds.InvalidType, "document.actions.get", "boolean")]
    [TestCase("""{"controllers":{"document":{"actions":{"get":true,"x":null}}}}""", SecurityErrorIds.InvalidType, "document.actions.x", "boolean")]
    public void Shape(string content, string errorId, params object[] props) =>
        TestJson.AssertError(() => Role.Parse("r", TestJson.Parse(content), Known), errorId, props);

    [TestCase("null", SecurityErrorIds.BodyRequired)]
    [TestCase("[]", SecurityErrorIds.InvalidType, "body", "object")]
    public void Body(string content, string errorId, params object[] props) =>
        TestJson.AssertError(() => Role.Parse("r", TestJson.Parse(content)), errorId, props);

    [Test]
    public void Shape_is_checked_for_every_controller_in_order()
    {
        const string content = """{"controllers":{"document":{"actions":{"get":true}},"realtime":{"actions":{}}}}""";
        TestJson.AssertError(() => Role.Parse("r", TestJson.Parse(content)), SecurityErrorIds.EmptyArgument, "realtime.actions");
    }

    [TestCase("""{"controllers":{"*":{"actions":{"get":true}}}}""", "get", "*")]
    [TestCase("""{"controllers":{"*":{"actions":{"*":true,"login":true}}}}""", "login", "*")]
    public void Wildcard_controller_only_takes_the_wildcard_action(string content, string action, string controller) =>
        TestJson.AssertError(
            () => Role.Parse("r", TestJson.Parse(content), Known, force: true),
            SecurityErrorIds.RoleUnknownAction, "r", action, controller);

    [TestCase("document", "nope")]
    [TestCase("auth", "Login")]
    [TestCase("ms", "notACommand")]
    [TestCase("memoryStorage", "notACommand")]
    public void Native_controller_actions_must_exist_even_with_force(string controller, string action)
    {
        var content = "{\"controllers\":{\"" + controller + "\":{\"actions\":{\"" + action + "\":true}}}}";
        TestJson.AssertError(
            () => Role.Parse("r", TestJson.Parse(content), Known, force: true),
            SecurityErrorIds.RoleUnknownAction, "r", action, controller, string.Empty);
    }

    [TestCase("document", "mUpsert")]
    [TestCase("bulk", "mWrite")]
    [TestCase("ms", "zrevrank")]
    [TestCase("memoryStorage", "mexecute")]
    [TestCase("server", "openapi")]
    [TestCase("realtime", "customAction")]
    [TestCase("realtime", "*")]
    [TestCase("myPlugin/ctrl", "hello")]
    [TestCase("myPlugin/ctrl", "*")]
    public void Known_actions_are_accepted(string controller, string action)
    {
        var content = "{\"controllers\":{\"" + controller + "\":{\"actions\":{\"" + action + "\":true}}}}";
        Assert.That(Role.Parse("r", TestJson.Parse(content), Known).Controllers[0].Name, Is.EqualTo(controller));
    }

    [Test]
    public void Native_table_is_used_even_when_the_server_lists_fewer_actions()
    {
        var serverOnly = new Dictionary<string, IReadOnlySet<string>> { ["document"] = new HashSet<string> { "get" } };
        var role = Role.Parse("r", TestJson.Parse("""{"controllers":{"document":{"actions":{"deleteByQuery":true}}}}"""), serverOnly);
        Assert.That(role.IsActionAllowed("document", "deleteByQuery"), Is.True);
    }

    [Test]
    public void Unknown_plugin_controller_is_refused_without_force()
    {
        const string content = """{"controllers":{"document":{"actions":{"get":true}},"nope":{"actions":{"*":true}}}}""";
        TestJson.AssertError(
            () => Role.Parse("r", TestJson.Parse(content), Known),
            SecurityErrorIds.RoleUnknownController, "r", "nope", string.Empty);
    }

    [Test]
    public void Unknown_plugin_action_is_refused_without_force()
    {
        const string content = """{"controllers":{"myPlugin/ctrl":{"actions":{"hello":true,"nope":false}}}}""";
        TestJson.AssertError(
            () => Role.Parse("r", TestJson.Parse(content), Known),
            SecurityErrorIds.RoleUnknownAction, "r", "nope", "myPlugin/ctrl", string.Empty);
    }

    [Test]
    public void Force_turns_unknown_plugin_controllers_and_actions_into_warnings()
    {
        const string content = """{"controllers":{"nope":{"actions":{"*":true}},"myPlugin/ctrl":{"actions":{"later":true}}}}""";
        var warnings = new List<string>();
        var role = Role.Parse("r", TestJson.Parse(content), Known, force: true, warnings);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(role.IsActionAllowed("nope", "anything"), Is.True);
            Assert.That(warnings, Has.Count.EqualTo(2));
            Assert.That(warnings[0], Does.Contain("\"nope\""));
            Assert.That(warnings[1], Does.Contain("\"later\""));
        }
    }

    [Test]
    public void Without_known_controllers_existence_is_not_checked()
    {
        var role = Role.Parse("r", TestJson.Parse("""{"controllers":{"nope":{"actions":{"x":true}}}}"""));
        Assert.That(role.IsActionAllowed("nope", "x"), Is.True);
    }

    [TestCase("""{"controllers":{"auth":{"actions":{"login":false}}}}""")]
    [TestCase("""{"controllers":{"auth":{"actions":{"checkToken":true}},"server":{"actions":{"*":true}}}}""")]
    [TestCase("""{"controllers":{"*":{"actions":{"*":false}}}}""")]
    public void Anonymous_role_must_keep_login(string content) =>
        TestJson.AssertError(() => Role.Parse("anonymous", TestJson.Parse(content), Known), SecurityErrorIds.RoleLoginRequired);

    [Test]
    public void Login_guard_comes_before_existence_checks()
    {
        const string content = """{"controllers":{"nope":{"actions":{"x":true}}}}""";
        TestJson.AssertError(() => Role.Parse("anonymous", TestJson.Parse(content), Known), SecurityErrorIds.RoleLoginRequired);
    }

    [Test]
    public void Other_roles_may_drop_login() =>
        Assert.That(
            Role.Parse("default", TestJson.Parse("""{"controllers":{"auth":{"actions":{"login":false}}}}"""), Known).CanLogIn(),
            Is.False);

    [Test]
    public void Repeated_keys_keep_the_last_value_at_the_first_position()
    {
        const string content = """{"controllers":{"document":{"actions":{"get":true}},"auth":{"actions":{"login":true}},"document":{"actions":{"get":false}}}}""";
        var role = Role.Parse("r", TestJson.Parse(content));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(role.Controllers.Select(c => c.Name), Is.EqualTo(new[] { "document", "auth" }));
            Assert.That(role.IsActionAllowed("document", "get"), Is.False);
        }
    }

    [Test]
    public void Other_keys_are_left_to_the_caller()
    {
        var role = Role.Parse("r", TestJson.Parse("""{"controllers":{"*":{"actions":{"*":true}}},"tags":["x"],"_kuzzle_info":{}}"""));
        Assert.That(role.Controllers, Has.Count.EqualTo(1));
    }
}

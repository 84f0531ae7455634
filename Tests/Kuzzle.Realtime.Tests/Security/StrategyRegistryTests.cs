using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Server.Hosting;
using Kuzzle.Realtime.Server.Security.Strategies;
using Kuzzle.Realtime.Storage;
using Kuzzle.Realtime.Strategies;
using Kuzzle.Realtime.Strategies.Tests;
using Kuzzle.Realtime.Tests.Support;
using Microsoft.Extensions.Configuration;

[assembly: StrategyPlugin(typeof(Kuzzle.Realtime.Tests.Security.NoLoginStrategyPlugin))]

namespace Kuzzle.Realtime.Tests.Security;

/// <summary>Strategies are enabled by configuration; only <c>local</c> by default; a plugin assembly loads without server changes.</summary>
[TestFixture]
public sealed class StrategyRegistryTests
{
    [Test]
    public async Task ByDefault_OnlyLocalIsEnabled_OverWebSocketAndHttp()
    {
        await using var server = await TestServer.StartAsync();
        await using var ws = await server.ConnectAsync();
        var r = await ws.RequestAsync("""{"controller":"auth","action":"getStrategies","requestId":"gs"}""");
        Assert.That(r.GetProperty("result").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "local" }));

        using var http = server.CreateHttpClient();
        var body = TestServer.Json(await http.GetStringAsync("/strategies"));
        Assert.That(body.GetProperty("result").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "local" }));
    }

    [Test]
    public async Task APluginAssembly_IsEnabledByConfiguration()
    {
        var assembly = typeof(NoLoginStrategyPlugin).Assembly.Location;
        await using var server = await TestServer.StartAsync($"--Kuzzle:Auth:Strategies:nologin:Assembly={assembly}", "--Kuzzle:Auth:Strategies:nologin:Options:greeting=hello");
        var registry = server.Services.GetRequiredService<StrategyRegistry>();
        Assert.That(registry.Names, Is.EqualTo(new[] { "local", "nologin" }));
        Assert.That(registry.TryGet("nologin", out var strategy), Is.True);
        Assert.That(((NoLoginStrategy)strategy).Configuration.GetProperty("greeting").GetString(), Is.EqualTo("hello"));
    }

    [Test]
    public async Task LocalCanBeTurnedOff()
    {
        await using var server = await TestServer.StartAsync("--Kuzzle:Auth:Strategies:local:Enabled=false");
        Assert.That(server.Services.GetRequiredService<StrategyRegistry>().Names, Is.Empty);
    }

    [Test]
    public async Task AnEnabledStrategyWithoutPlugin_StopsTheStartWithCode2()
    {
        var original = Console.Error;
        await using var capture = new StringWriter();
        Console.SetError(capture);
        try
        {
            var code = await ServerHost.RunAsync(["--port", "0", "--host", "127.0.0.1", "--data", Path.Combine(Path.GetTempPath(), "kz-" + Guid.NewGuid().ToString("N")), "--Kuzzle:Auth:Strategies:ldap:Enabled=true"]);
            Assert.That(code, Is.EqualTo(2));
            Assert.That(capture.ToString(), Does.Contain("ldap"));
        }
        finally
        {
            Console.SetError(original);
        }
    }

    [Test]
    public void ConfigurationValues_BecomeTypedJson()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["o:n"] = "19456", ["o:flag"] = "true", ["o:s"] = "1h", ["o:list:0"] = "a", ["o:list:1"] = "b",
        }).Build();
        var json = StrategyRegistry.ToJson(configuration.GetSection("o"));
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("n").GetInt32(), Is.EqualTo(19456));
            Assert.That(json.GetProperty("flag").GetBoolean(), Is.True);
            Assert.That(json.GetProperty("s").GetString(), Is.EqualTo("1h"));
            Assert.That(json.GetProperty("list").GetArrayLength(), Is.EqualTo(2));
        });
    }
}

/// <summary>The strategy contract over the embedded document store passes the strategies' own store contract.</summary>
[TestFixture]
public sealed class DocumentCredentialStoreTests : CredentialStoreContract
{
    private string _directory = null!;
    private EmbeddedStorage _storage = null!;

    [OneTimeSetUp]
    public async Task OpenAsync()
    {
        _directory = Path.Combine(Path.GetTempPath(), "kuzzle-cred-" + Guid.NewGuid().ToString("N"));
        _storage = await EmbeddedStorage.OpenAsync(_directory);
    }

    [OneTimeTearDown]
    public async Task CloseAsync()
    {
        await _storage.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    protected override IStrategyCredentialStore CreateStore() => new DocumentCredentialStore(_storage.Documents, "s" + Guid.NewGuid().ToString("N")[..8]);
}

/// <summary>A plugin that refuses every login: it proves a strategy from its own assembly loads by configuration alone.</summary>
public sealed class NoLoginStrategyPlugin : StrategyPlugin
{
    /// <inheritdoc />
    public override string DefaultName => "nologin";

    /// <inheritdoc />
    public override ValueTask<IAuthenticationStrategy> CreateAsync(StrategyContext context, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IAuthenticationStrategy>(new NoLoginStrategy(context.Name, context.Configuration));
}

/// <summary>The strategy of <see cref="NoLoginStrategyPlugin"/>.</summary>
public sealed class NoLoginStrategy(string name, JsonElement configuration) : IAuthenticationStrategy
{
    public string Name { get; } = name;

    public JsonElement Configuration { get; } = configuration;

    public IReadOnlyList<string> Fields { get; } = [];

    public StrategyFeatures Features => StrategyFeatures.None;

    public ValueTask<StrategyVerifyResult> VerifyAsync(StrategyLoginRequest request, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(StrategyVerifyResult.Failure("never"));

    public ValueTask<bool> ExistsAsync(StrategyCallContext context, string kuid, CancellationToken cancellationToken = default) => ValueTask.FromResult(false);

    public ValueTask<JsonObject> CreateAsync(StrategyCallContext context, JsonElement credentials, string kuid, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new JsonObject());

    public ValueTask<JsonObject> UpdateAsync(StrategyCallContext context, JsonElement credentials, string kuid, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new JsonObject());

    public ValueTask DeleteAsync(StrategyCallContext context, string kuid, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask ValidateAsync(StrategyCallContext context, JsonElement credentials, string kuid, bool isUpdate, CancellationToken cancellationToken = default) =>
        ValueTask.CompletedTask;
}

using System.Text.Json;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Responses;
using Kuzzle.Realtime.Tools.ErrorCatalogue;

namespace Kuzzle.Realtime.Tests.Protocol;

/// <summary>The error catalogue and the error object on the wire (errors.md).</summary>
[TestFixture]
public sealed class ErrorCatalogueTests
{
    private static readonly Dictionary<string, int> DomainCodes = new()
    {
        ["core"] = 0, ["services"] = 1, ["api"] = 2, ["network"] = 3, ["plugin"] = 4, ["validation"] = 5, ["protocol"] = 6, ["security"] = 7, ["cluster"] = 8,
    };

    [Test]
    public void EveryId_IsUnique_AndItsCodeCarriesItsDomain()
    {
        Assert.That(KuzzleErrors.All.Select(e => e.Id).Distinct().Count(), Is.EqualTo(KuzzleErrors.All.Count));
        foreach (var e in KuzzleErrors.All)
        {
            Assert.That(e.Code >> 24, Is.EqualTo(DomainCodes[e.Id.Split('.')[0]]), e.Id);
        }
    }

    [Test]
    public void GeneratedCatalogue_IsWhatErrorsJsonGenerates()
    {
        var errors = Path.Combine(RepositoryRoot(), "Protocol", "Errors");
        var generated = CatalogueWriter.Write(Catalogue.Parse(File.ReadAllText(Path.Combine(errors, "errors.json"))));
        Assert.That(File.ReadAllText(Path.Combine(errors, "KuzzleErrors.g.cs")), Is.EqualTo(generated),
            "KuzzleErrors.g.cs was edited by hand or errors.json changed: run `dotnet run --project Tools/ErrorCatalogue`");
    }

    [Test]
    public void All_ListsEveryDefinition()
    {
        var defined = typeof(KuzzleErrors).GetNestedTypes()
            .SelectMany(domain => domain.GetNestedTypes())
            .SelectMany(subdomain => subdomain.GetFields())
            .Select(field => ((ErrorDefinition)field.GetValue(null)!).Id);
        Assert.That(KuzzleErrors.All.Select(e => e.Id), Is.EquivalentTo(defined));
    }

    [Test]
    public void Catalogue_RefusesADuplicateCode()
    {
        const string json = """
            {"classes": {"BadRequest": 400}, "domains": [{"name": "api", "code": 2, "subdomains": [{"name": "assert", "code": 1, "errors": [
              {"name": "a", "code": 1, "class": "BadRequest", "message": "x"}, {"name": "b", "code": 1, "class": "BadRequest", "message": "y"}]}]}]}
            """;
        Assert.That(() => Catalogue.Parse(json), Throws.TypeOf<InvalidDataException>().With.Message.Contains("api.assert.b"));
    }

    [Test]
    public void WellKnownErrors_HaveKuzzleCodesAndStatuses()
    {
        Assert.Multiple(() =>
        {
            Assert.That(KuzzleErrors.Security.Token.Invalid.Code, Is.EqualTo(117506049));
            Assert.That(KuzzleErrors.Security.Token.Invalid.Status, Is.EqualTo(401));
            Assert.That(KuzzleErrors.Network.Http.UrlNotFound.Code, Is.EqualTo(50397191));
            Assert.That(KuzzleErrors.Api.Process.Overloaded.Status, Is.EqualTo(503));
            Assert.That(KuzzleErrors.Plugin.Strategy.MissingUser.Status, Is.EqualTo(401));
        });
    }

    [Test]
    public void Messages_FollowNodeUtilFormat()
    {
        Assert.That(NodeFormat.Format("a %s b %s", ["x", 2]), Is.EqualTo("a x b 2"));
        Assert.That(NodeFormat.Format("only %s", ["x", "extra", null]), Is.EqualTo("only x extra null"));
        Assert.That(NodeFormat.Format("list %s", [new[] { "kuzzle", "app" }]), Is.EqualTo("list [ 'kuzzle', 'app' ]"));
        Assert.That(NodeFormat.Format("%s left", []), Is.EqualTo("%s left"));
        Assert.That(KuzzleErrors.Security.Rights.Unauthorized.Create("server", "now", "-1").Message,
            Is.EqualTo("Unauthorized: authentication required to execute the action \"server:now\". -1"));
    }

    [Test]
    public void ErrorObject_IsWrittenInKuzzleKeyOrder()
    {
        var json = Write(KuzzleErrors.Api.Assert.MissingArgument.Create("controller"));
        Assert.That(json, Is.EqualTo("""{"code":33619971,"id":"api.assert.missing_argument","message":"Missing argument \"controller\".","props":["controller"],"status":400}"""));
    }

    [Test]
    public void AdHocErrors_HaveOnlyMessageAndStatus()
    {
        Assert.That(Write(KuzzleException.AdHoc(400, "nope")), Is.EqualTo("""{"message":"nope","status":400}"""));
    }

    [Test]
    public void UnexpectedExceptions_BecomePluginRuntimeErrors()
    {
        var e = KuzzleException.FromUnexpected(new InvalidOperationException("boom"));
        Assert.That(e.Definition!.Id, Is.EqualTo("plugin.runtime.unexpected_error"));
        Assert.That(e.Message, Is.EqualTo("Caught an unexpected plugin error: boom"));
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Kuzzle.Realtime.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("repository root not found above the test assembly");
    }

    private static string Write(KuzzleException e)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            ErrorWriter.Write(w, e);
        }

        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }
}

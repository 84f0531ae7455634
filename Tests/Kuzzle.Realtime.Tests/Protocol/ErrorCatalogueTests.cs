using System.Text.Json;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Responses;

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

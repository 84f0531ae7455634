using Kuzzle.Realtime.Koncorde.Tests.Support;

namespace Kuzzle.Realtime.Koncorde.Tests.Operators;

public sealed class GeoDistanceRangeTests
{
    private const string Ring = """{"geoDistanceRange":{"loc":[48.8584,2.2945],"from":"1km","to":"4km"}}""";

    [TestCase(Ring, """{"loc":[48.8606,2.3376]}""", true)]
    [TestCase(Ring, """{"loc":[48.8584,2.2945]}""", false)]
    [TestCase(Ring, """{"loc":[48.0,2.0]}""", false)]
    [TestCase("""{"not":""" + Ring + "}", """{"loc":[48.8584,2.2945]}""", true)]
    public void In_annulus(string filter, string document, bool expected)
    {
        Assert.That(Harness.Matches(filter, document), Is.EqualTo(expected));
    }

    [TestCase("""{"geoDistanceRange":{"loc":[0,0],"from":"2km","to":"1km"}}""", "\"geoDistanceRange\": inner radius must be smaller than outer radius")]
    [TestCase("""{"geoDistanceRange":{"loc":[0,0],"from":"1km"}}""", "\"geoDistanceRange\": expected object to have exactly 3 properties, got 2")]
    [TestCase("""{"geoDistanceRange":{"loc":[0,0],"from":1,"to":"1km"}}""", "\"geoDistanceRange.from\": must be a string")]
    public void Validation_messages(string filter, string message)
    {
        Assert.That(Harness.Error(filter), Is.EqualTo(message));
    }
}

using Kuzzle.Realtime.Koncorde.Tests.Support;

namespace Kuzzle.Realtime.Koncorde.Tests.Operators;

public sealed class GeoDistanceTests
{
    // Paris, Eiffel Tower; Louvre is about 3.2 km away.
    private const string Near = """{"geoDistance":{"loc":{"lat":48.8584,"lon":2.2945},"distance":"5km"}}""";

    [TestCase(Near, """{"loc":[48.8606,2.3376]}""", true)]
    [TestCase("""{"geoDistance":{"loc":{"lat":48.8584,"lon":2.2945},"distance":"3km"}}""", """{"loc":[48.8606,2.3376]}""", false)]
    [TestCase("""{"geoDistance":{"loc":"48.8584,2.2945","distance":"2 mi"}}""", """{"loc":[48.8606,2.3376]}""", true)]
    [TestCase("""{"geoDistance":{"loc":"u09tunq","distance":"5000 m"}}""", """{"loc":[48.8606,2.3376]}""", true)]
    [TestCase(Near, """{"loc":"nope"}""", false)]
    [TestCase("""{"not":""" + Near + "}", """{"loc":[0,0]}""", true)]
    public void Within_radius(string filter, string document, bool expected)
    {
        Assert.That(Harness.Matches(filter, document), Is.EqualTo(expected));
    }

    [TestCase("""{"geoDistance":{"loc":[0,0],"distance":12}}""", "\"geoDistance.distance\": must be a string")]
    [TestCase("""{"geoDistance":{"loc":[0,0],"distance":"12000"}}""", "unable to parse distance value \"12000\"")]
    [TestCase("""{"geoDistance":{"loc":[0,0]}}""", "\"geoDistance\": expected object to have exactly 2 properties, got 1")]
    [TestCase("""{"geoDistance":{"loc":[0,0],"dist":"1m"}}""", "\"geoDistance\": the property \"distance\" is missing")]
    [TestCase("""{"geoDistance":{"loc":"x","distance":"1m"}}""", "\"geoDistance.loc\": unrecognized point format")]
    public void Validation_messages(string filter, string message)
    {
        Assert.That(Harness.Error(filter), Is.EqualTo(message));
    }

    [TestCase("1km", 1000)]
    [TestCase("1 093,6 yd", 999.98784)]
    [TestCase("10 Mm", 0.01)]
    [TestCase("-5m", 5)]
    [TestCase("3 kilometers", 3000)]
    [TestCase("12 feet", 3.6576)]
    [TestCase("2 inches", 0.0508)]
    [TestCase("1 mile", 1609.34)]
    [TestCase("5s", 0.08333333333333333)]
    public void Distances_convert_like_koncorde(string distance, double meters)
    {
        Assert.That(Kuzzle.Realtime.Koncorde.Geo.DistanceConverter.ToMeters(distance), Is.EqualTo(meters).Within(1e-9));
    }
}

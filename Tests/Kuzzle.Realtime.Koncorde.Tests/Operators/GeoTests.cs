using Kuzzle.Realtime.Koncorde.Tests.Support;

namespace Kuzzle.Realtime.Koncorde.Tests.Operators;

public sealed class GeoBoundingBoxTests
{
    private const string Box = """{"geoBoundingBox":{"loc":{"top":10,"left":0,"bottom":0,"right":10}}}""";

    [TestCase(Box, """{"loc":[5,5]}""", true)]
    [TestCase(Box, """{"loc":"5, 5"}""", true)]
    [TestCase(Box, """{"loc":{"lat":5,"lon":5}}""", true)]
    [TestCase(Box, """{"loc":{"lat_lon":[5,5]}}""", true)]
    [TestCase(Box, """{"loc":{"latLon":"5,5"}}""", true)]
    [TestCase(Box, """{"loc":[10,10]}""", true)]
    [TestCase(Box, """{"loc":[11,5]}""", false)]
    [TestCase(Box, """{"loc":[5,-1]}""", false)]
    [TestCase(Box, """{"loc":"garbage"}""", false)]
    [TestCase(Box, """{}""", false)]
    [TestCase("""{"geoBoundingBox":{"loc":{"top_left":[10,0],"bottom_right":"0,10"}}}""", """{"loc":[5,5]}""", true)]
    [TestCase("""{"geoBoundingBox":{"loc":{"top":"10","left":"0","bottom":"0","right":"10"}}}""", """{"loc":[5,5]}""", true)]
    [TestCase("""{"not":""" + Box + "}", """{"loc":[11,5]}""", true)]
    [TestCase("""{"not":""" + Box + "}", """{}""", true)]
    [TestCase("""{"not":""" + Box + "}", """{"loc":[5,5]}""", false)]
    public void Point_in_box(string filter, string document, bool expected)
    {
        Assert.That(Harness.Matches(filter, document), Is.EqualTo(expected));
    }

    [TestCase("""{"geoBoundingBox":{"loc":{"top":"x","left":0,"bottom":0,"right":1}}}""", "\"geoBoundingBox.loc\": unrecognized geoBoundingBox format: {\"top\":\"x\",\"left\":0,\"bottom\":0,\"right\":1}")]
    [TestCase("""{"geoBoundingBox":{"loc":{"top":1}}}""", "\"geoBoundingBox.loc\": unrecognized geo-point format")]
    [TestCase("""{"geoBoundingBox":{"loc":{"top":0,"left":0,"bottom":1,"right":1}}}""", "min_lat argument cannot be greater or equal max_lat")]
    [TestCase("""{"geoBoundingBox":{"a":{},"b":{}}}""", "\"geoBoundingBox\": expected object to have exactly 1 property, got 2")]
    public void Validation_messages(string filter, string message)
    {
        Assert.That(Harness.Error(filter), Is.EqualTo(message));
    }
}

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

public sealed class GeoPolygonTests
{
    private const string Triangle = """{"geoPolygon":{"loc":{"points":[[0,0],[0,10],[10,0]]}}}""";

    [TestCase(Triangle, """{"loc":[2,2]}""", true)]
    [TestCase(Triangle, """{"loc":[6,6]}""", false)]
    [TestCase(Triangle, """{"loc":[-1,2]}""", false)]
    [TestCase(Triangle, """{"loc":[0,5]}""", true)]
    [TestCase("""{"geoPolygon":{"loc":{"points":[[0,0],[10,0],[0,10]]}}}""", """{"loc":[2,2]}""", true)]
    [TestCase("""{"geoPolygon":{"loc":{"points":[[0,0],[0,10],[10,10],[10,0]]}}}""", """{"loc":"5,5"}""", true)]
    [TestCase("""{"not":""" + Triangle + "}", """{"loc":[6,6]}""", true)]
    public void Point_in_polygon(string filter, string document, bool expected)
    {
        Assert.That(Harness.Matches(filter, document), Is.EqualTo(expected));
    }

    [TestCase("""{"geoPolygon":{"loc":{"points":[[0,0],[1,1]]}}}""", "\"geoPolygon.loc.points\": at least 3 points are required to build a polygon")]
    [TestCase("""{"geoPolygon":{"loc":{"points":[[0,0],[1,1],"x"]}}}""", "\"geoPolygon.loc.points\": unrecognized point format \"\"x\"\"")]
    [TestCase("""{"geoPolygon":{"loc":{"points":{}}}}""", "\"geoPolygon.loc.points\": must be an array")]
    [TestCase("""{"geoPolygon":{"loc":{"pts":[]}}}""", "\"geoPolygon.loc\": the property \"points\" is missing")]
    public void Validation_messages(string filter, string message)
    {
        Assert.That(Harness.Error(filter), Is.EqualTo(message));
    }

    [Test]
    public void Geo_terms_inside_regrouped_or_negated_groups_are_rejected_like_koncorde()
    {
        Assert.That(
            Harness.Error("""{"not":{"and":[{"geoDistance":{"p":[1,2],"distance":"1km"}},{"equals":{"a":1}}]}}"""),
            Is.EqualTo("\"not.geospatial\": unknown keyword"));
    }
}

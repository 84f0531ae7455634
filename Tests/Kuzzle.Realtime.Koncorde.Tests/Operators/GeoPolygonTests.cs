using Kuzzle.Realtime.Koncorde.Tests.Support;

namespace Kuzzle.Realtime.Koncorde.Tests.Operators;

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

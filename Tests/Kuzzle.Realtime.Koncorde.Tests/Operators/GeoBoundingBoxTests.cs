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

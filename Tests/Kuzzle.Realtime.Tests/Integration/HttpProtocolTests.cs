using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Kuzzle.Realtime.Tests.Support;

namespace Kuzzle.Realtime.Tests.Integration;

/// <summary>The HTTP side of protocol.md §5 over real sockets.</summary>
[TestFixture]
public sealed class HttpProtocolTests : ServerFixture
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        TestServer.Json(await response.Content.ReadAsStringAsync());

    [Test]
    public async Task GetNow_ReturnsTheEnvelope_WithoutRoom_AndKuzzleHeaders()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_now");
        request.Headers.Add("X-Kuzzle-Request-Id", "http-req-1");
        request.Headers.Add("X-Kuzzle-Volatile", """{"v":true}""");
        using var response = await Http.SendAsync(request);
        var body = await JsonAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body.GetProperty("requestId").GetString(), Is.EqualTo("http-req-1"));
            Assert.That(body.TryGetProperty("room", out _), Is.False);
            Assert.That(body.GetProperty("volatile").GetProperty("v").GetBoolean(), Is.True);
            Assert.That(body.GetProperty("result").GetProperty("now").GetInt64(), Is.GreaterThan(0));
            Assert.That(response.Headers.GetValues("X-Kuzzle-Request-Id").Single(), Is.EqualTo("http-req-1"));
            Assert.That(response.Headers.GetValues("X-Kuzzle-Node").Single(), Does.StartWith("knode-"));
            Assert.That(response.Headers.ConnectionClose, Is.True);
            Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
            Assert.That(response.Content.Headers.ContentEncoding.Single(), Is.EqualTo("identity"));
            Assert.That(response.Headers.GetValues("Access-Control-Allow-Methods").Single(), Is.EqualTo("GET,POST,PUT,PATCH,DELETE,OPTIONS,HEAD"));
        });
    }

    [Test]
    public async Task UnknownUrl_Is404UrlNotFound_InAnEnvelope()
    {
        using var response = await Http.GetAsync("/nope/at/all?x=1");
        var body = await JsonAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(body.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("network.http.url_not_found"));
            Assert.That(body.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo("API URL not found: /nope/at/all."));
            Assert.That(body.GetProperty("action").ValueKind, Is.EqualTo(JsonValueKind.Null));
        });
    }

    [Test]
    public async Task Routing_IgnoresEmptySegmentsAndTrailingSlash_AndIsCaseSensitive()
    {
        using var ok = await Http.GetAsync("/_now//");
        using var wrongCase = await Http.GetAsync("/_NOW");
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(wrongCase.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task RouteParameters_ReachTheAction()
    {
        using var response = await Http.GetAsync("/users/someone");
        var body = await JsonAsync(response);
        Assert.That(body.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("security.user.not_found"));
        Assert.That(body.GetProperty("error").GetProperty("props")[0].GetString(), Is.EqualTo("someone"));
        Assert.That(body.GetProperty("controller").GetString(), Is.EqualTo("security"));
    }

    [Test]
    public async Task Options_Is200WithCorsHeaders_AndEchoesTheOrigin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/anything");
        request.Headers.Add("Origin", "http://example.test");
        using var response = await Http.SendAsync(request);
        var body = await JsonAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body.GetProperty("result").ValueKind, Is.EqualTo(JsonValueKind.Object));
            Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo("http://example.test"));
            Assert.That(response.Headers.Vary, Does.Contain("Origin"));
            Assert.That(response.Headers.GetValues("Access-Control-Allow-Credentials").Single(), Is.EqualTo("true"));
        });
    }

    [Test]
    public async Task HeadRoot_Is200()
    {
        using var response = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task UnsupportedVerb_Is400()
    {
        using var response = await Http.SendAsync(new HttpRequestMessage(new HttpMethod("PROPFIND"), "/_now"));
        var body = await JsonAsync(response);
        Assert.That(body.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("network.http.unsupported_verb"));
    }

    [Test]
    public async Task UnsupportedContentType_IsABareError()
    {
        using var content = new StringContent("{}", Encoding.UTF8, "text/plain");
        using var response = await Http.PostAsync("/_query", content);
        var body = await JsonAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body.GetProperty("id").GetString(), Is.EqualTo("network.http.unsupported_content"));
            Assert.That(body.GetProperty("code").GetInt32(), Is.EqualTo(50397192));
            Assert.That(body.TryGetProperty("requestId", out _), Is.False);
            Assert.That(response.Headers.Contains("X-Kuzzle-Request-Id"), Is.False);
        });
    }

    [Test]
    public async Task WrongCharset_IsABareError()
    {
        using var content = new ByteArrayContent("{}"u8.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=latin1");
        using var response = await Http.PostAsync("/_query", content);
        var body = await JsonAsync(response);
        Assert.That(body.GetProperty("id").GetString(), Is.EqualTo("network.http.unsupported_charset"));
    }

    [Test]
    public async Task InvalidJsonBody_IsBodyParseFailed()
    {
        using var content = new StringContent("{oops", Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync("/_query", content);
        var body = await JsonAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body.GetProperty("id").GetString(), Is.EqualTo("network.http.body_parse_failed"));
        Assert.That(body.GetProperty("message").GetString(), Does.Contain("{oops"));
    }

    [Test]
    public async Task OversizeBody_Is413Bare()
    {
        await using var small = await TestServer.StartAsync("--Kuzzle:Server:MaxRequestSize=1KB");
        using var http = small.CreateHttpClient();
        using var content = new StringContent("{\"pad\":\"" + new string('x', 4096) + "\"}", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/_query", content);
        var body = await JsonAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(body.GetProperty("id").GetString(), Is.EqualTo("network.http.request_too_large"));
    }

    [Test]
    public async Task Query_RunsAFullRequestObject_AndAnswersWithTheHttpRequestId()
    {
        using var content = new StringContent("""{"controller":"server","action":"now","requestId":"ignored"}""", Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/_query") { Content = content };
        request.Headers.Add("X-Kuzzle-Request-Id", "from-header");
        using var response = await Http.SendAsync(request);
        var body = await JsonAsync(response);
        Assert.That(body.GetProperty("status").GetInt32(), Is.EqualTo(200));
        Assert.That(body.GetProperty("requestId").GetString(), Is.EqualTo("from-header"));
    }

    [Test]
    public async Task Query_WithANonObjectBody_IsTheInternalError()
    {
        using var content = new StringContent("[1]", Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync("/_query", content);
        var body = await JsonAsync(response);
        Assert.That(body.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo("Input request data must be a non-null object"));
        Assert.That(body.GetProperty("status").GetInt32(), Is.EqualTo(500));
    }

    [Test]
    public async Task GzipRequestBody_IsDecoded_AndGzipResponsesAreSentWhenAccepted()
    {
        using var ms = new MemoryStream();
        await using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gz.WriteAsync("""{"controller":"server","action":"now"}"""u8.ToArray());
        }

        using var content = new ByteArrayContent(ms.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/_query") { Content = content };
        request.Headers.AcceptEncoding.ParseAdd("gzip;q=0.5, deflate;q=0.9");
        using var response = await Http.SendAsync(request);
        Assert.That(response.Content.Headers.ContentEncoding.Single(), Is.EqualTo("deflate"));
        await using var inflated = new ZLibStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        using var reader = new StreamReader(inflated);
        var body = TestServer.Json(await reader.ReadToEndAsync());
        Assert.That(body.GetProperty("result").GetProperty("now").GetInt64(), Is.GreaterThan(0));
    }

    [Test]
    public async Task UnknownContentEncoding_IsUnsupportedCompression()
    {
        using var content = new ByteArrayContent("{}"u8.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("br");
        using var response = await Http.PostAsync("/_query", content);
        var body = await JsonAsync(response);
        Assert.That(body.GetProperty("id").GetString(), Is.EqualTo("network.http.unsupported_compression"));
    }

    [Test]
    public async Task TooManyEncodings_IsRejected()
    {
        using var content = new ByteArrayContent("{}"u8.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.TryAddWithoutValidation("Content-Encoding", "identity, identity, identity, identity");
        using var response = await Http.PostAsync("/_query", content);
        var body = await JsonAsync(response);
        Assert.That(body.GetProperty("id").GetString(), Is.EqualTo("network.http.too_many_encodings"));
    }

    [Test]
    public async Task BadVolatileHeader_IsVolatileParseFailed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_now");
        request.Headers.TryAddWithoutValidation("X-Kuzzle-Volatile", "{nope");
        using var response = await Http.SendAsync(request);
        var body = await JsonAsync(response);
        Assert.That(body.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("network.http.volatile_parse_failed"));
    }

    [Test]
    public async Task BearerToken_IsVerified_LikeAWebSocketJwt()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_now");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer garbage");
        using var response = await Http.SendAsync(request);
        var body = await JsonAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(body.GetProperty("error").GetProperty("id").GetString(), Is.EqualTo("security.token.invalid"));
    }

    [Test]
    public async Task Pretty_IndentsTheResponse()
    {
        var text = await Http.GetStringAsync("/_now?pretty");
        Assert.That(text, Does.Contain("\n  \"action\""));
    }

    [Test]
    public async Task Probes_AnswerWithoutAuthentication()
    {
        using var live = await Http.GetAsync("/_healthcheck");
        using var ready = await Http.GetAsync("/_ready");
        var body = await JsonAsync(live);
        Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.GetProperty("result").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task MultipartBody_BecomesFieldsAndBase64Files()
    {
        await using var ws = await Server.ConnectAsync();
        await ws.RequestAsync("""{"controller":"realtime","action":"subscribe","index":"mp","collection":"c","body":{},"requestId":"mp-sub"}""");
        using var form = new MultipartFormDataContent
        {
            { new StringContent("hello"), "greeting" },
            { new ByteArrayContent([1, 2, 3]) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } }, "blob", "b.bin" },
        };
        using var response = await Http.PostAsync("/mp/c/_publish", form);
        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        var source = (await ws.ReceiveJsonAsync()).GetProperty("result").GetProperty("_source");
        Assert.Multiple(() =>
        {
            Assert.That(source.GetProperty("greeting").GetString(), Is.EqualTo("hello"));
            Assert.That(source.GetProperty("blob").GetProperty("file").GetString(), Is.EqualTo(Convert.ToBase64String(new byte[] { 1, 2, 3 })));
            Assert.That(source.GetProperty("blob").GetProperty("filename").GetString(), Is.EqualTo("b.bin"));
            Assert.That(source.GetProperty("blob").GetProperty("encoding").GetString(), Is.EqualTo("application/octet-stream"));
        });
    }

    [Test]
    public async Task MultipartFileOverTheLimit_IsFileTooLarge()
    {
        await using var small = await TestServer.StartAsync("--Kuzzle:Server:Http:MaxFormFileSize=1KB");
        using var http = small.CreateHttpClient();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(new byte[4096]), "blob", "big.bin" } };
        using var response = await http.PostAsync("/mp/c/_publish", form);
        var body = TestServer.Json(await response.Content.ReadAsStringAsync());
        Assert.That((int)response.StatusCode, Is.EqualTo(413));
        Assert.That(body.GetProperty("id").GetString(), Is.EqualTo("network.http.file_too_large"));
    }

    [Test]
    public async Task FormUrlEncodedBody_BecomesAnObjectOfStrings()
    {
        using var content = new FormUrlEncodedContent([new("controller", "server"), new("action", "now")]);
        using var response = await Http.PostAsync("/_query", content);
        var body = await JsonAsync(response);
        Assert.That(body.GetProperty("status").GetInt32(), Is.EqualTo(200));
    }
}

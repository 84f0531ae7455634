using System.IO.Compression;
using System.Text.Json;
using Kuzzle.Realtime.Protocol.Errors;
using Kuzzle.Realtime.Protocol.Requests;
using Kuzzle.Realtime.Protocol.Responses;
using Kuzzle.Realtime.Server.Api;
using Kuzzle.Realtime.Server.Configuration;
using Kuzzle.Realtime.Server.Diagnostics;
using Kuzzle.Realtime.Server.Network.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

using Microsoft.Extensions.DependencyInjection;

namespace Kuzzle.Realtime.Server.Network.Http;

/// <summary>
/// The HTTP side of the single listener (protocol.md §5): pre-routing checks answered with bare errors, the route tree, <c>POST /_query</c>,
/// the infrastructure probes, and Kuzzle's response headers.
/// </summary>
public sealed class HttpEndpoint
{
    private readonly Funnel _funnel;
    private readonly HttpRouter _router;
    private readonly ResponseFrames _frames;
    private readonly NodeIdentity _node;
    private readonly ApiMetrics _metrics;
    private readonly RequestGate _gate;
    private readonly HttpOptions _options;
    private readonly OriginPolicy _origins;
    private readonly HttpBodyReader _bodyReader;
    private readonly PrometheusExporter _prometheus;
    private readonly string _metricsPath;

    /// <summary>Creates the endpoint.</summary>
    public HttpEndpoint(
        Funnel funnel,
        HttpRouter router,
        ResponseFrames frames,
        NodeIdentity node,
        ApiMetrics metrics,
        RequestGate gate,
        OriginPolicy origins,
        PrometheusExporter prometheus,
        EffectiveSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _funnel = funnel;
        _router = router;
        _frames = frames;
        _node = node;
        _metrics = metrics;
        _gate = gate;
        _origins = origins;
        _prometheus = prometheus;
        _options = settings.Options.Server.Http;
        _metricsPath = settings.Options.Server.MetricsPath;
        _bodyReader = new HttpBodyReader(settings.MaxRequestSize, settings.MaxFormFileSize, _options.MaxEncodingLayers, _options.AdditionalContentTypes);
    }

    /// <summary>Serves one HTTP request.</summary>
    public async Task HandleAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var request = http.Request;
        var rawTarget = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        var query = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = query < 0 ? rawTarget : rawTarget[..query];
        var verb = request.Method.ToUpperInvariant();

        // Infrastructure probes bypass the API entirely.
        if (verb == "GET" && rawPath == "/_healthcheck")
        {
            await WriteProbeAsync(http, 200);
            return;
        }

        if (verb == "GET" && rawPath == "/_ready")
        {
            var ready = !_funnel.IsShuttingDown && !_gate.IsOverloaded && http.RequestServices.GetRequiredService<Diagnostics.ServiceHealth>().IsReady;
            await WriteProbeAsync(http, ready ? 200 : 503);
            return;
        }

        if (verb == "GET" && _metricsPath.Length > 0 && rawPath == _metricsPath)
        {
            http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await http.Response.WriteAsync(_prometheus.Render(), http.RequestAborted);
            return;
        }

        var counters = _metrics.For("http");
        counters.Connected();
        try
        {
            await HandleApiAsync(http, verb, rawPath);
        }
        finally
        {
            counters.Disconnected();
        }
    }

    private async Task HandleApiAsync(HttpContext http, string verb, string rawPath)
    {
        var request = http.Request;
        var requestId = request.Headers["X-Kuzzle-Request-Id"].ToString();
        if (string.IsNullOrEmpty(requestId))
        {
            requestId = Guid.NewGuid().ToString();
        }

        var origin = request.Headers.Origin.Count > 0 ? request.Headers.Origin.ToString() : null;
        var connection = new HttpConnectionInfo("http-" + requestId, http.RequestServices.GetRequiredService<ClientAddress>().Resolve(http), origin, http.RequestAborted);

        if (verb == "OPTIONS")
        {
            await WriteEmptyEnvelopeAsync(http, connection, requestId);
            return;
        }

        JsonDocument? payload;
        try
        {
            payload = await _bodyReader.ReadAsync(request, http.RequestAborted);
        }
        catch (KuzzleException ex)
        {
            await WriteBareErrorAsync(http, ex, origin);
            return;
        }

        using (payload)
        {
            if (!HttpRouter.SupportedVerbs.Contains(verb))
            {
                await WriteDetachedAsync(http, connection, requestId, KuzzleErrors.Network.Http.UnsupportedVerb.Create(verb));
                return;
            }

            if (verb == "HEAD" && rawPath.Trim('/').Length == 0)
            {
                await WriteEmptyEnvelopeAsync(http, connection, requestId);
                return;
            }

            if (verb == "POST" && rawPath.TrimEnd('/') == "/_query")
            {
                await ExecuteQueryAsync(http, connection, requestId, payload);
                return;
            }

            var match = _router.Match(verb, rawPath);
            if (match is null)
            {
                var error = KuzzleErrors.Network.Http.UrlNotFound.Create(Uri.UnescapeDataString(rawPath));
                await WriteDetachedAsync(http, connection, requestId, error);
                return;
            }

            await ExecuteRouteAsync(http, connection, requestId, match, payload);
        }
    }

    private async Task ExecuteRouteAsync(HttpContext http, HttpConnectionInfo connection, string requestId, RouteMatch match, JsonDocument? payload)
    {
        // Arguments: query-string keys, then path placeholders (later wins).
        var argsDocument = BuildArgs(http.Request.Query, match.Parameters);
        var root = argsDocument.RootElement;
        var parsed = RequestParser.Build(RequestProtocol.Http, argsDocument, root, root, argsContainReservedKeys: true, extraDocument: null);
        if (parsed.Error is { } buildError)
        {
            await WriteDetachedAsync(http, connection, requestId, buildError);
            return;
        }

        using var input = parsed.Request!;
        input.Controller ??= match.Route.Controller;
        input.Action ??= match.Route.Action;
        input.RequestId = requestId;
        if (payload is not null)
        {
            input.Body = payload.RootElement;
        }

        var context = new RequestContext(input, connection, requestId) { RequestHeaders = HeaderSnapshot(http.Request), IsTls = http.Request.IsHttps };
        using var volatileDocument = ApplyHeaders(http.Request, input, out var headerError);
        headerError ??= ApplyCookie(http.Request, input);
        var response = headerError is null
            ? await _funnel.ExecuteAsync(context, http.RequestAborted)
            : ApiResponse.FromError(headerError);
        await WriteResponseAsync(http, context, response);
    }

    private async Task ExecuteQueryAsync(HttpContext http, HttpConnectionInfo connection, string requestId, JsonDocument? payload)
    {
        if (payload is null || payload.RootElement.ValueKind == JsonValueKind.Null)
        {
            // The body is the whole request: without one there is nothing to run (a 400, not Kuzzle's 500 without id).
            await WriteDetachedAsync(http, connection, requestId, KuzzleErrors.Api.Assert.BodyRequired.Create());
            return;
        }

        if (payload.RootElement.ValueKind != JsonValueKind.Object)
        {
            await WriteDetachedAsync(http, connection, requestId, RequestParser.NotAnObject());
            return;
        }

        var root = payload.RootElement;
        var parsed = RequestParser.Build(RequestProtocol.Http, null, root, root, argsContainReservedKeys: true, extraDocument: null);
        if (parsed.Error is { } buildError)
        {
            await WriteDetachedAsync(http, connection, requestId, buildError);
            return;
        }

        using var input = parsed.Request!;
        input.RequestId = requestId;
        if (input.Jwt is null && TryGetBearer(http.Request, out var bearer))
        {
            input.Jwt = bearer;
        }

        var context = new RequestContext(input, connection, requestId) { IsTls = http.Request.IsHttps };
        var cookieError = ApplyCookie(http.Request, input);
        var response = cookieError is null ? await _funnel.ExecuteAsync(context, http.RequestAborted) : ApiResponse.FromError(cookieError);
        await WriteResponseAsync(http, context, response);
    }

    private KuzzleException? ApplyCookie(HttpRequest request, RequestInput input)
    {
        try
        {
            input.Jwt = CookieAuthentication.Combine(input.Jwt, CookieAuthentication.ReadToken(request.Headers.Cookie.ToString(), _options.CookieAuthentication));
            return null;
        }
        catch (KuzzleException ex)
        {
            return ex;
        }
    }

    // Strategies see the request headers (passport's req.headers); repeated headers are joined as HTTP allows.
    private static Dictionary<string, string> HeaderSnapshot(HttpRequest request)
    {
        var headers = new Dictionary<string, string>(request.Headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.ToString();
        }

        return headers;
    }

    private static JsonDocument BuildArgs(IQueryCollection query, IReadOnlyList<KeyValuePair<string, string>> placeholders)
    {
        var buffer = new PooledBufferWriter(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var (key, values) in query)
            {
                if (placeholders.Any(p => p.Key == key))
                {
                    continue;
                }

                w.WritePropertyName(key);
                HttpBodyReader.WriteValues(w, values);
            }

            foreach (var (key, value) in placeholders)
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
        }

        var frame = buffer.Detach();
        try
        {
            return JsonDocument.Parse(frame.Memory.ToArray());
        }
        finally
        {
            frame.Release();
        }
    }

    // Authorization and X-Kuzzle-Volatile (protocol.md §5.2). Returns the volatile document to dispose with the request.
    private static JsonDocument? ApplyHeaders(HttpRequest request, RequestInput input, out KuzzleException? error)
    {
        error = null;
        if (TryGetBearer(request, out var token))
        {
            input.Jwt = token;
        }

        var volatileHeader = request.Headers["X-Kuzzle-Volatile"].ToString();
        if (volatileHeader.Length == 0)
        {
            return null;
        }

        try
        {
            var doc = JsonDocument.Parse(volatileHeader);
            if (Protocol.Json.JsonStrings.ContainsLoneSurrogate(System.Text.Encoding.UTF8.GetBytes(volatileHeader), RequestParser.DefaultMaxDepth))
            {
                doc.Dispose();
                throw new JsonException(RequestParser.LoneSurrogateMessage);
            }

            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                input.Volatile = doc.RootElement;
            }

            return doc;
        }
        catch (JsonException ex)
        {
            error = KuzzleErrors.Network.Http.VolatileParseFailed.Create(ex.Message);
            return null;
        }
    }

    private static bool TryGetBearer(HttpRequest request, out string token)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length >= 7 && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = authorization[7..];
            return true;
        }

        token = string.Empty;
        return false;
    }

    private Task WriteEmptyEnvelopeAsync(HttpContext http, HttpConnectionInfo connection, string requestId)
    {
        using var input = EmptyInput(requestId);
        var context = new RequestContext(input, connection, requestId);
        return WriteResponseAsync(http, context, new ApiResponse(200, ApiResult.From(new System.Text.Json.Nodes.JsonObject()), null));
    }

    private Task WriteDetachedAsync(HttpContext http, HttpConnectionInfo connection, string requestId, KuzzleException error)
    {
        _metrics.CountError(error.Definition?.Id ?? error.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var input = EmptyInput(requestId);
        var context = new RequestContext(input, connection, requestId);
        return WriteResponseAsync(http, context, ApiResponse.FromError(error));
    }

    private static RequestInput EmptyInput(string requestId)
    {
        var doc = JsonDocument.Parse("{}");
        var input = RequestParser.Build(RequestProtocol.Http, doc, doc.RootElement, doc.RootElement, true, null).Request!;
        input.RequestId = requestId;
        return input;
    }

    private async Task WriteResponseAsync(HttpContext http, RequestContext context, ApiResponse response)
    {
        var res = http.Response;
        var pretty = http.Request.Query.ContainsKey("pretty");
        SetCommonHeaders(http, context.Connection.Origin);
        res.Headers["X-Kuzzle-Request-Id"] = context.RequestId;
        res.Headers["X-Kuzzle-Node"] = _node.Id;
        if (_options.CloseConnections)
        {
            res.Headers.Connection = "close";
        }

        if (context.ResponseHeaders is { } actionHeaders)
        {
            foreach (var (name, value) in actionHeaders)
            {
                res.Headers.Append(name, value);
            }
        }

        OutboundFrame frame;
        if (context.Raw is { } raw && response.Error is null)
        {
            res.ContentType = raw.ContentType;
            frame = raw.Value.ValueKind == JsonValueKind.String
                ? OutboundFrame.Copy(System.Text.Encoding.UTF8.GetBytes(raw.Value.GetString()!))
                : JsonFrameBuilder.Build(raw.Value, static (w, v) => v.WriteTo(w), pretty);
        }
        else
        {
            res.ContentType = "application/json";
            frame = _frames.Envelope(context, response, includeRoom: false, pretty);
        }

        res.StatusCode = response.Status;
        try
        {
            await WriteBodyAsync(http, frame.Memory);
        }
        finally
        {
            frame.Release();
        }
    }

    private async Task WriteBareErrorAsync(HttpContext http, KuzzleException error, string? origin)
    {
        _metrics.CountError(error.Definition?.Id ?? "http");
        var res = http.Response;
        res.Headers["Access-Control-Allow-Headers"] = _options.AccessControlAllowHeaders;
        res.Headers["Access-Control-Allow-Methods"] = _options.AccessControlAllowMethods;
        if (origin is not null)
        {
            res.Headers["Access-Control-Allow-Origin"] = _origins.AllowsAll ? "*" : origin;
            if (!_origins.AllowsAll)
            {
                res.Headers.Vary = "Origin";
            }
        }

        await BareError.WriteAsync(res, error, http.RequestAborted);
    }

    private async Task WriteProbeAsync(HttpContext http, int status)
    {
        var requestId = Guid.NewGuid().ToString();
        var frame = JsonFrameBuilder.Build(
            (RequestId: requestId, Node: _node.Id, Status: status),
            static (w, s) => ResponseEnvelope.Write(w, null, s.RequestId, s.Node, s.Status, null, null, null, includeRoom: false));
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        http.Response.Headers["X-Kuzzle-Node"] = _node.Id;
        try
        {
            await http.Response.Body.WriteAsync(frame.Memory, http.RequestAborted);
        }
        finally
        {
            frame.Release();
        }
    }

    private void SetCommonHeaders(HttpContext http, string? origin)
    {
        var headers = http.Response.Headers;
        headers["Access-Control-Allow-Headers"] = _options.AccessControlAllowHeaders;
        headers["Access-Control-Allow-Methods"] = _options.AccessControlAllowMethods;
        if (_options.CookieAuthentication)
        {
            headers["Access-Control-Allow-Credentials"] = "true";
        }

        if (origin is not null)
        {
            headers["Access-Control-Allow-Origin"] = origin;
            headers.Vary = "Origin";
        }

        headers["Accept-Encoding"] = _options.AllowCompression ? "gzip,deflate,identity" : "identity";
    }

    private async Task WriteBodyAsync(HttpContext http, ReadOnlyMemory<byte> body)
    {
        var encoding = _options.AllowCompression ? ChooseEncoding(http.Request.Headers.AcceptEncoding.ToString()) : "identity";
        http.Response.Headers.ContentEncoding = encoding;
        if (encoding == "identity")
        {
            http.Response.ContentLength = body.Length;
            await http.Response.Body.WriteAsync(body, http.RequestAborted);
            return;
        }

        using var compressed = new MemoryStream();
        await using (Stream z = encoding == "gzip"
            ? new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true)
            : new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await z.WriteAsync(body, http.RequestAborted);
        }

        http.Response.ContentLength = compressed.Length;
        await http.Response.Body.WriteAsync(compressed.GetBuffer().AsMemory(0, (int)compressed.Length), http.RequestAborted);
    }

    // Highest q wins; ties go to gzip (protocol.md §5.6).
    internal static string ChooseEncoding(string acceptEncoding)
    {
        double gzip = -1, deflate = -1;
        foreach (var part in acceptEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pieces = part.Split(';', StringSplitOptions.TrimEntries);
            var q = 1.0;
            foreach (var p in pieces.Skip(1))
            {
                if (p.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                    && double.TryParse(p.AsSpan(2), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
                {
                    q = parsed;
                }
            }

            switch (pieces[0].ToLowerInvariant())
            {
                case "gzip":
                    gzip = Math.Max(gzip, q);
                    break;
                case "deflate":
                    deflate = Math.Max(deflate, q);
                    break;
            }
        }

        if (gzip <= 0 && deflate <= 0)
        {
            return "identity";
        }

        return gzip >= deflate ? "gzip" : "deflate";
    }
}

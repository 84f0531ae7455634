using System.Net.Http.Headers;
using System.Text;
using Kuzzle.Realtime.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kuzzle.Realtime.Tests.Auth;

/// <summary>No password, hash, salt or secret in any response or log line, at the most verbose log level, on success and failure paths.</summary>
[TestFixture]
public sealed class SecretLeakTests
{
    private const string Password = "Correct-Horse-Battery-Staple-42";

    [Test]
    public async Task Passwords_hashes_and_secrets_never_reach_responses_or_logs()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await TestServer.StartAsync(
            services => services.AddSingleton<ILoggerProvider>(logs),
            "--Logging:LogLevel:Default=Trace", "--Logging:LogLevel:Kuzzle=Trace");
        using var http = server.CreateHttpClient();
        var responses = new List<string>();
        async Task<string> Call(HttpMethod method, string path, string? body = null, string? jwt = null)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            if (jwt is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
            }

            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            responses.Add(text);
            return text;
        }

        await Call(HttpMethod.Post, "/users/leak-kuid/_create", $$"""{"content":{"profileIds":["admin"]},"credentials":{"local":{"username":"leak","password":"{{Password}}"} } }""");
        await Call(HttpMethod.Post, "/users/leak2-kuid/_create", $$"""{"content":{"profileIds":["default"]},"credentials":{"local":{"username":"leak","password":"{{Password}}"} } }"""); // username taken
        await Call(HttpMethod.Post, "/_login/local", $$"""{"username":"leak","password":"wrong-{{Password}}"}""");
        var login = await Call(HttpMethod.Post, "/_login/local", $$"""{"username":"leak","password":"{{Password}}"}""");
        var jwt = TestServer.Json(login).GetProperty("result").GetProperty("jwt").GetString()!;
        await Call(HttpMethod.Get, "/_me", jwt: jwt);
        await Call(HttpMethod.Get, "/credentials/local/leak-kuid", jwt: jwt);
        await Call(HttpMethod.Get, "/users/leak-kuid", jwt: jwt);
        await Call(HttpMethod.Post, "/users/_search", "{}", jwt);
        await Call(HttpMethod.Put, "/credentials/local/_me/_update", $$"""{"password":"{{Password}}-2"}""", jwt);
        await Call(HttpMethod.Get, "/_getConfig", jwt: jwt);
        await Call(HttpMethod.Get, "/_me", jwt: jwt[..^4] + "AAAA");

        var everything = string.Join("\n", responses) + "\n" + string.Join("\n", logs.Lines);
        Assert.Multiple(() =>
        {
            Assert.That(everything, Does.Not.Contain(Password));
            Assert.That(everything, Does.Not.Contain("$argon2id"));
            Assert.That(everything, Does.Not.Contain("userPassword").And.Not.Contain("userSalt"));
            Assert.That(everything, Does.Not.Contain("seed"));
            Assert.That(logs.Lines.Where(l => l.Contains(jwt!, StringComparison.Ordinal)), Is.Empty, "tokens are not logged");
        });
        // The capture is wired into the server's own logging: anything the server logged above was seen.
        server.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Kuzzle.Realtime.Probe").LogTrace("capture probe");
        Assert.That(logs.Lines, Has.Some.Contains("capture probe"));
    }

    [Test]
    public async Task GetConfig_leaves_out_the_security_section_and_every_configured_secret()
    {
        const string secret = "configured-signing-secret-0123456789abcdef";
        await using var server = await TestServer.StartAsync($"--Kuzzle:Security:AuthToken:Secret={secret}");
        using var http = server.CreateHttpClient();

        // Anonymous may call it on a fresh install.
        var text = await http.GetStringAsync("/_getConfig");
        var result = TestServer.Json(text).GetProperty("result");
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Not.Contain(secret));
            Assert.That(result.TryGetProperty("security", out _), Is.False, "server.md: the whole security section is left out");
            Assert.That(result.GetProperty("server").GetProperty("port").GetInt32(), Is.Zero, "the rest is still there");
        });
    }
}

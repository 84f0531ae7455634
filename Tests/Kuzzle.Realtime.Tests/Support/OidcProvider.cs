using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Kuzzle.Realtime.Tests.Support;

/// <summary>
/// A real OpenID provider (npm oauth2-mock-server, driven by <c>Compatibility/node/oidc-provider.js</c>) on a loopback
/// port: discovery, JWKS, signed ID tokens. <see cref="SetScenarioAsync"/> chooses the identity and the attack case.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _control;

    private OidcProvider(Process process, Uri issuer, Uri control)
    {
        _process = process;
        Issuer = issuer;
        _control = new HttpClient { BaseAddress = control, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The issuer URL (also the discovery base).</summary>
    public Uri Issuer { get; }

    /// <summary>Starts the provider and waits until it listens.</summary>
    public static async Task<OidcProvider> StartAsync()
    {
        await NodeScript.EnsureInstalledAsync();
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = NodeScript.ProjectDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add("oidc-provider.js");
        var process = Process.Start(psi)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException("oidc-provider.js exited: " + await process.StandardError.ReadToEndAsync(timeout.Token));
            var ready = TestServer.Json(line);
            return new OidcProvider(process, new Uri(ready.GetProperty("issuer").GetString()!), new Uri(ready.GetProperty("control").GetString()!));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Sets who the next logins are (<paramref name="sub"/>, extra claims) and how the ID token is spoiled (<c>ok</c>, <c>wrong-issuer</c>, <c>wrong-audience</c>, <c>expired</c>, <c>wrong-nonce</c>, <c>unsigned</c>).</summary>
    public async Task SetScenarioAsync(string sub, string idToken = "ok", object? claims = null)
    {
        var body = JsonSerializer.Serialize(new { sub, idToken, claims = claims ?? new { } });
        using var response = await _control.PostAsync("/", new StringContent(body, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _control.Dispose();
        try
        {
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}

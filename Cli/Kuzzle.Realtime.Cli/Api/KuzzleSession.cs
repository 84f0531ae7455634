using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Cli.Output;
using Kuzzle.Realtime.Client;

namespace Kuzzle.Realtime.Cli.Api;

/// <summary>
/// The tool's connection: a <see cref="KuzzleClient"/> opened with the connection settings, logged in (or holding an API key),
/// tagging every request with <c>volatile.client = "kourou@&lt;version&gt;"</c> as Kourou does.
/// </summary>
internal sealed class KuzzleSession : IAsyncDisposable
{
    /// <summary>Kourou logs in for 90 s and keeps the token alive while the command runs.</summary>
    private const string LoginExpiresIn = "90s";

    private readonly KuzzleClient _client;
    private readonly JsonObject _volatile;
    private readonly bool _staysConnected;
    private readonly TaskCompletionSource<string> _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private KuzzleSession(KuzzleClient client, ConnectionSettings settings, bool staysConnected, CliConsole console)
    {
        _client = client;
        Settings = settings;
        _staysConnected = staysConnected;
        _volatile = new JsonObject { ["client"] = "kourou@" + KourouApp.Version };
        client.Disconnected += (_, e) =>
        {
            if (e.Error is null)
            {
                return; // our own disconnection
            }

            if (e.WillReconnect)
            {
                console.Ko($"Connection to Kuzzle at {settings.Address} lost ({e.Error.Message}), reconnecting ...");
            }
            else
            {
                _lost.TrySetResult(e.Error.Message);
            }
        };
        client.Reconnected += (_, _) => console.Info($"Reconnected to {settings.Address}");
    }

    /// <summary>Where and as whom.</summary>
    public ConnectionSettings Settings { get; }

    /// <summary>The token requests carry (null: anonymous).</summary>
    public string? Jwt
    {
        get => _client.Jwt;
        set => _client.Jwt = value;
    }

    /// <summary>Connects, then logs in or installs the API key. Unreachable server and refused login are <see cref="CliFailure"/>s.</summary>
    /// <param name="settings">Where and as whom.</param>
    /// <param name="console">Output.</param>
    /// <param name="staysConnected">A command waiting for notifications: reconnect and subscribe again after a loss.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public static async Task<KuzzleSession> OpenAsync(ConnectionSettings settings, CliConsole console, bool staysConnected, CancellationToken cancellationToken)
    {
        console.Info($"Connecting to {settings.Address} ...");
        var options = KuzzleClientOptions.Default with
        {
            Host = settings.Host,
            Port = settings.Port,
            Ssl = settings.Ssl,
            Protocol = settings.Http ? KuzzleProtocol.Http : KuzzleProtocol.WebSocket,
            // A one-shot command fails fast instead of waiting for a server that is not there.
            AutoReconnect = staysConnected,
            AutoQueue = false,
        };
        var client = new KuzzleClient(options);
        var session = new KuzzleSession(client, settings, staysConnected, console);
        try
        {
            try
            {
                await client.ConnectAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is KuzzleException or System.Net.WebSockets.WebSocketException or HttpRequestException or IOException)
            {
                throw new CliFailure($"Cannot connect to Kuzzle at {settings.Address}: {Innermost(ex).Message}", ex);
            }

            if (settings.ApiKey is not null)
            {
                client.Jwt = settings.ApiKey;
            }
            else if (!settings.Anonymous)
            {
                try
                {
                    // Sent as a raw request so that it carries the volatile tag too; setting the token schedules its refresh.
                    var login = await session.ResultAsync(new JsonObject
                    {
                        ["controller"] = "auth",
                        ["action"] = "login",
                        ["strategy"] = "local",
                        ["expiresIn"] = LoginExpiresIn,
                        ["body"] = new JsonObject { ["username"] = settings.Username, ["password"] = settings.Password },
                    }, cancellationToken);
                    client.Jwt = login?["jwt"]?.GetValue<string>() ?? throw new KuzzleException("auth:login answered no token");
                }
                catch (KuzzleException ex)
                {
                    throw new CliFailure($"Login refused for \"{settings.Username}\": {ex.Message}", ex);
                }

                console.Info($"Logged in as {settings.Username}.");
            }

            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends a request written as JSON and returns the whole response envelope.</summary>
    public async Task<JsonObject> QueryAsync(JsonObject request, CancellationToken cancellationToken)
    {
        KuzzleRequest kuzzleRequest;
        try
        {
            kuzzleRequest = KuzzleRequest.FromJson(request);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            // A non-string index, collection or _id: the server would refuse it too.
            throw new KuzzleException("api.assert.invalid_type", 0, 400, "Invalid request: " + ex.Message);
        }

        kuzzleRequest.Volatile = Tagged(kuzzleRequest.Volatile);
        try
        {
            var response = await _client.QueryAsync(kuzzleRequest, null, cancellationToken);
            return JsonNode.Parse(response.Raw.GetRawText()) as JsonObject ?? [];
        }
        catch (KuzzleException ex) when (ex.Id == ClientErrors.ConnectionFailed)
        {
            // Over HTTP nothing is opened before the first request: this is where an unreachable server shows.
            throw new CliFailure($"Cannot connect to Kuzzle at {Settings.Address}: {ex.Message}", ex);
        }
        catch (KuzzleException ex) when (ex.Id is ClientErrors.ConnectionLost or ClientErrors.NotConnected)
        {
            throw new CliFailure($"Connection to Kuzzle at {Settings.Address} lost: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Subscribes with a <c>realtime:subscribe</c> request written as JSON (index, collection, body = filters, scope, users,
    /// volatile); <paramref name="onNotification"/> receives each notification as it was sent, one at a time.
    /// </summary>
    /// <returns>The room id.</returns>
    public async Task<string> SubscribeAsync(JsonObject request, Func<JsonObject, ValueTask> onNotification, CancellationToken cancellationToken)
    {
        if (Settings.Http)
        {
            throw new KuzzleException(null, 0, 400, "Realtime notification does not work with the Http protocol");
        }

        string Text(string key) => request[key] is JsonValue v && v.TryGetValue<string>(out var text)
            ? text
            : throw new KuzzleException("api.assert.missing_argument", 0, 400, $"Missing argument \"{key}\".");

        var options = SubscribeOptions.Default with
        {
            Scope = Parse(request["scope"], SubscriptionScope.All, "scope"),
            Users = Parse(request["users"], UserEvents.None, "users"),
            Volatile = Tagged(request["volatile"] as JsonObject),
            // Only a command that waits for notifications subscribes again after a reconnection.
            AutoResubscribe = _staysConnected,
        };
        var filters = request["body"] as JsonObject ?? [];
        return await _client.Realtime.SubscribeAsync(
            Text("index"),
            Text("collection"),
            (JsonObject)filters.DeepClone(),
            async notification => await onNotification(JsonNode.Parse(notification.Raw.GetRawText()) as JsonObject ?? []),
            options,
            cancellationToken);
    }

    /// <summary>
    /// Waits until the command is interrupted (Ctrl+C, SIGTERM); a connection lost for good is a <see cref="CliFailure"/>.
    /// </summary>
    public async Task WaitUntilInterruptedAsync(CancellationToken cancellationToken)
    {
        var interrupted = Task.Delay(Timeout.Infinite, cancellationToken);
        if (await Task.WhenAny(interrupted, _lost.Task) == _lost.Task)
        {
            throw new CliFailure($"Connection to Kuzzle at {Settings.Address} lost: {await _lost.Task}");
        }
    }

    /// <summary>Leaves a room.</summary>
    public Task UnsubscribeAsync(string roomId, CancellationToken cancellationToken) => _client.Realtime.UnsubscribeAsync(roomId, cancellationToken);

    private JsonObject Tagged(JsonObject? given)
    {
        var tagged = given is null ? [] : (JsonObject)given.DeepClone();
        if (!tagged.ContainsKey("client"))
        {
            tagged["client"] = _volatile["client"]!.DeepClone();
        }

        return tagged;
    }

    private static T Parse<T>(JsonNode? value, T fallback, string name)
        where T : struct, Enum
    {
        if (value is null)
        {
            return fallback;
        }

        return value is JsonValue v && v.TryGetValue<string>(out var text) && Enum.TryParse<T>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new KuzzleException("api.assert.invalid_argument", 0, 400, $"Invalid argument \"{name}\": expected all, in, out or none.");
    }

    /// <summary>Sends a request and returns its <c>result</c>.</summary>
    public async Task<JsonNode?> ResultAsync(JsonObject request, CancellationToken cancellationToken) =>
        (await QueryAsync(request, cancellationToken))["result"]?.DeepClone();

    /// <summary>
    /// Runs <paramref name="action"/> as another user through a temporary API key (cli.md §2, <c>--as</c>); the key is deleted
    /// afterwards, even when the action fails.
    /// </summary>
    public async Task<T> ImpersonateAsync<T>(string kuid, Func<Task<T>> action, CancellationToken cancellationToken)
    {
        var previous = Jwt;
        var key = await ResultAsync(new JsonObject
        {
            ["controller"] = "security",
            ["action"] = "createApiKey",
            ["userId"] = kuid,
            ["expiresIn"] = "2h",
            ["refresh"] = "wait_for",
            ["body"] = new JsonObject { ["description"] = "Kourou impersonation token" },
        }, cancellationToken);
        var keyId = key?["_id"]?.GetValue<string>();
        try
        {
            Jwt = key?["_source"]?["token"]?.GetValue<string>();
            return await action();
        }
        finally
        {
            Jwt = previous;
            if (keyId is not null)
            {
                // The key must go even when the command was interrupted.
                await ResultAsync(new JsonObject
                {
                    ["controller"] = "security",
                    ["action"] = "deleteApiKey",
                    ["userId"] = kuid,
                    ["_id"] = keyId,
                }, CancellationToken.None);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _client.DisposeAsync();

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    internal static JsonElement ToElement(JsonNode? node) => JsonSerializer.SerializeToElement(node);
}

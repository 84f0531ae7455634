using System.Text.Json.Nodes;
using System.Threading.Channels;
using Jint;
using Jint.Native;
using Jint.Runtime;
using Kuzzle.Realtime.Cli.Api;
using Kuzzle.Realtime.Cli.Output;
using Kuzzle.Realtime.Client;

namespace Kuzzle.Realtime.Cli.Scripting;

/// <summary>
/// Runs <c>sdk:execute</c> code with Jint (cli.md §5): the code is the body of an async function, <c>sdk</c> (Scripting/sdk.js)
/// exposes kuzzle-sdk's call shapes over the tool's session, and <c>console.log</c> prints to standard output. Host calls
/// return .NET tasks, which Jint turns into promises settled on its own event loop; realtime notifications reach the script
/// through a bounded queue read by one pump.
/// </summary>
internal sealed class SdkScriptHost : IDisposable
{
    /// <summary>Notifications waiting for the script; when full, the session's reader waits.</summary>
    private const int NotificationQueueSize = 10_000;

    private static readonly string Prelude = ReadPrelude();

    private readonly KuzzleSession _session;
    private readonly CliConsole _console;
    private readonly CancellationToken _cancellation;
    private readonly Channel<string> _notifications = Channel.CreateBounded<string>(new BoundedChannelOptions(NotificationQueueSize) { SingleReader = true });
    private readonly List<string> _rooms = [];
    private readonly Engine _engine;

    public SdkScriptHost(KuzzleSession session, CliConsole console, CancellationToken cancellation)
    {
        _session = session;
        _console = console;
        _cancellation = cancellation;
        _engine = new Engine(options => options.Strict(false).LimitRecursion(1000).CancellationToken(cancellation));
        _engine.SetValue("__hostQuery", new Func<string, Task<string>>(QueryAsync));
        _engine.SetValue("__hostSubscribe", new Func<string, string, Task<string>>(SubscribeAsync));
        _engine.SetValue("__hostUnsubscribe", new Func<string, Task<string>>(UnsubscribeAsync));
        _engine.SetValue("__hostNextNotification", new Func<Task<string?>>(NextNotificationAsync));
        _engine.SetValue("__hostGetJwt", new Func<string?>(() => _session.Jwt));
        _engine.SetValue("__hostSetJwt", new Action<string?>(token => _session.Jwt = token));
        _engine.SetValue("__hostPrint", new Action<string>(text => _console.Result(text)));
        _engine.SetValue("__hostPrintError", new Action<string>(text => _console.Err.WriteLine(text)));
        _engine.Execute(Prelude);
    }

    /// <summary>Whether the script subscribed to something (the command then stays connected).</summary>
    public bool Subscribed
    {
        get
        {
            lock (_rooms)
            {
                return _rooms.Count > 0;
            }
        }
    }

    /// <summary>Runs the code; returns the outcome (the return value as JSON, or the error text).</summary>
    /// <param name="code">The code (body of an async function).</param>
    /// <param name="variables">The <c>--var name=value</c> pairs, defined with <c>let</c> before the code.</param>
    public async Task<ScriptOutcome> RunAsync(string code, IEnumerable<(string Name, string Value)> variables)
    {
        var declarations = string.Concat(variables.Select(v => $"let {v.Name} = {v.Value};\n"));
        // The user's code stays on its own lines so that its line numbers in errors are close to the original.
        var wrapped = "(async () => { try { const __value = await (async () => {\n" + declarations + code +
            "\n})(); return { ok: true, json: __value === undefined ? undefined : JSON.stringify(__value, null, 2) }; } " +
            "catch (error) { return { ok: false, message: String(error) }; } })()";
        JsValue outcome;
        try
        {
            outcome = await _engine.Evaluate(wrapped).UnwrapIfPromiseAsync(_cancellation);
        }
        catch (Exception ex) when (ex is Acornima.ParseErrorException or JavaScriptException)
        {
            return new ScriptOutcome(false, null, "SyntaxError: " + ex.Message);
        }

        var result = outcome.AsObject();
        var ok = result.Get("ok").AsBoolean();
        var json = result.Get("json");
        return ok
            ? new ScriptOutcome(true, json.IsUndefined() ? null : json.AsString(), null)
            : new ScriptOutcome(false, null, result.Get("message").AsString());
    }

    /// <summary>Delivers notifications to the script's callbacks until the command is interrupted.</summary>
    public async Task KeepAliveAsync()
    {
        var pump = _engine.Evaluate("__pump");
        if (pump.IsNull())
        {
            // --keep-alive without a subscription: stay connected until interrupted.
            await _session.WaitUntilInterruptedAsync(_cancellation);
            return;
        }

        // Awaiting the pump is what runs Jint's event loop, so callbacks run while the command waits. It ends when its next
        // read finds the queue closed: at Ctrl+C, or below when the connection is lost for good.
        var pumping = pump.UnwrapIfPromiseAsync(CancellationToken.None);
        var waiting = _session.WaitUntilInterruptedAsync(_cancellation);
        await Task.WhenAny(pumping, waiting);
        _notifications.Writer.TryComplete();
        await pumping;
        await waiting;
    }

    /// <summary>Unsubscribes every room the script opened.</summary>
    public async Task CloseAsync()
    {
        string[] rooms;
        lock (_rooms)
        {
            rooms = [.. _rooms];
        }

        foreach (var room in rooms)
        {
            try
            {
                await _session.UnsubscribeAsync(room, CancellationToken.None);
            }
            catch (KuzzleException)
            {
                // Closing the connection drops the subscription anyway.
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _engine.Dispose();

    private async Task<string> QueryAsync(string requestJson)
    {
        try
        {
            var request = JsonNode.Parse(requestJson) as JsonObject ?? throw new KuzzleException(null, 0, 400, "A request must be an object");
            var response = await _session.QueryAsync(request, _cancellation);
            return new JsonObject { ["response"] = response }.ToJsonString();
        }
        catch (KuzzleException ex)
        {
            return ErrorAnswer(ex);
        }
        catch (ArgumentException ex)
        {
            return ErrorAnswer(new KuzzleException(null, 0, 400, ex.Message));
        }
    }

    private async Task<string> SubscribeAsync(string requestJson, string key)
    {
        try
        {
            var request = JsonNode.Parse(requestJson) as JsonObject ?? throw new KuzzleException(null, 0, 400, "A request must be an object");
            var roomId = await _session.SubscribeAsync(request, async notification =>
                await _notifications.Writer.WriteAsync(new JsonObject { ["key"] = key, ["notification"] = notification }.ToJsonString(), _cancellation), _cancellation);
            lock (_rooms)
            {
                _rooms.Add(roomId);
            }

            return new JsonObject { ["roomId"] = roomId }.ToJsonString();
        }
        catch (KuzzleException ex)
        {
            return ErrorAnswer(ex);
        }
    }

    private async Task<string> UnsubscribeAsync(string roomId)
    {
        try
        {
            lock (_rooms)
            {
                _rooms.Remove(roomId);
            }

            await _session.UnsubscribeAsync(roomId, _cancellation);
            return "{}";
        }
        catch (KuzzleException ex)
        {
            return ErrorAnswer(ex);
        }
    }

    private async Task<string?> NextNotificationAsync()
    {
        try
        {
            return await _notifications.Reader.ReadAsync(_cancellation);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            return null;
        }
    }

    private static string ErrorAnswer(KuzzleException ex) => new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["message"] = ex.Message,
            ["status"] = ex.Status,
            ["id"] = ex.Id,
            ["code"] = ex.Code,
        },
    }.ToJsonString();

    private static string ReadPrelude()
    {
        using var stream = typeof(SdkScriptHost).Assembly.GetManifestResourceStream("Kuzzle.Realtime.Cli.Scripting.sdk.js")
            ?? throw new InvalidOperationException("sdk.js is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>What a script ended with.</summary>
internal sealed record ScriptOutcome(bool Success, string? ResultJson, string? Error);

using System.Globalization;
using Kuzzle.Realtime.Cli.Parsing;

namespace Kuzzle.Realtime.Cli.Api;

/// <summary>
/// Where and as whom to connect (cli.md §2): the connection flags, else the <c>KUZZLE_*</c> variables, else Kourou's defaults.
/// </summary>
internal sealed record ConnectionSettings(string Host, int Port, bool Ssl, bool Http, string Username, string? Password, string? ApiKey, string? As)
{
    /// <summary>The flags every API command accepts.</summary>
    public static IReadOnlyList<FlagSpec> Flags { get; } =
    [
        new("host", "Kuzzle server host (KUZZLE_HOST)", Default: "localhost"),
        new("port", "Kuzzle server port (KUZZLE_PORT)", Default: "7512"),
        FlagSpec.Switch("ssl", "Use SSL to connect to Kuzzle (KUZZLE_SSL)"),
        new("protocol", "Kuzzle protocol: ws or http (KUZZLE_PROTOCOL)", Default: "ws"),
        new("username", "Kuzzle username, local strategy (KUZZLE_USERNAME)", Default: "anonymous"),
        new("password", "Kuzzle user password (KUZZLE_PASSWORD)"),
        new("api-key", "Kuzzle user API key (KUZZLE_API_KEY)"),
        new("as", "Impersonate a user"),
    ];

    /// <summary>Whether a login is needed.</summary>
    public bool Anonymous => Username == "anonymous";

    /// <summary>The address tried, for messages (<c>ws://localhost:7512</c>).</summary>
    public string Address => $"{(Http ? "http" : "ws")}{(Ssl ? "s" : "")}://{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Reads the flags and the environment.</summary>
    /// <param name="args">Parsed command line.</param>
    /// <param name="environment">Environment lookup (tests pass their own).</param>
    /// <param name="forceWebSocket">Code that subscribes needs a WebSocket.</param>
    public static ConnectionSettings From(ParsedArguments args, Func<string, string?> environment, bool forceWebSocket = false)
    {
        string Pick(string flag, string variable) =>
            args.Has(flag) ? args.Get(flag)! : NonEmpty(environment(variable)) ?? args.Get(flag)!;

        var host = Pick("host", "KUZZLE_HOST");
        var portText = Pick("port", "KUZZLE_PORT");
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new UsageException($"Invalid port \"{portText}\": expected a number from 1 to 65535");
        }

        var ssl = args.Has("ssl") || port == 443 || ParseBool(environment("KUZZLE_SSL"), "KUZZLE_SSL");
        var protocol = Pick("protocol", "KUZZLE_PROTOCOL");
        var http = protocol switch
        {
            "ws" or "websocket" => false,
            "http" => true,
            _ => throw new UsageException($"Unknown protocol \"{protocol}\": use ws or http"),
        };
        // Kourou switches sdk:execute code that subscribes to WebSocket, whatever the protocol asked.
        http &= !forceWebSocket;

        var username = Pick("username", "KUZZLE_USERNAME");
        var password = args.Get("password") ?? NonEmpty(environment("KUZZLE_PASSWORD"));
        var apiKey = args.Get("api-key") ?? NonEmpty(environment("KUZZLE_API_KEY"));
        if (username != "anonymous" && password is null && apiKey is null)
        {
            throw new UsageException($"A password is needed to log in as \"{username}\" (--password or KUZZLE_PASSWORD)");
        }

        return new ConnectionSettings(host, port, ssl, http, username, password, apiKey, args.Get("as"));
    }

    private static bool ParseBool(string? value, string name) => NonEmpty(value)?.ToLowerInvariant() switch
    {
        null or "false" or "0" => false,
        "true" or "1" => true,
        _ => throw new UsageException($"Invalid {name} \"{value}\": use true, false, 1 or 0"),
    };

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

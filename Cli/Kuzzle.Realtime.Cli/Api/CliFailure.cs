namespace Kuzzle.Realtime.Cli.Api;

/// <summary>
/// A failure that is the user's to fix, not the server's (unreachable server, refused login): one line and exit code 2.
/// </summary>
internal sealed class CliFailure(string message, Exception? inner = null) : Exception(message, inner);

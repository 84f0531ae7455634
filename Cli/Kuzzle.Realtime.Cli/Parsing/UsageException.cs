namespace Kuzzle.Realtime.Cli.Parsing;

/// <summary>Bad usage (unknown flag, missing argument, unparsable body): one line on standard error and exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

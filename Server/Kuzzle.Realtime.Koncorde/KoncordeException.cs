namespace Kuzzle.Realtime.Koncorde;

/// <summary>An invalid or too complex filter. <see cref="Exception.Message"/> is Koncorde's exact message.</summary>
public sealed class KoncordeException : Exception
{
    public KoncordeException()
    {
    }

    public KoncordeException(string message)
        : base(message)
    {
    }

    public KoncordeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Builds Koncorde's <c>"&lt;path&gt;": &lt;message&gt;</c> form (no prefix when the path is empty).</summary>
    internal static KoncordeException At(string? path, string message) =>
        new(string.IsNullOrEmpty(path) ? message : $"\"{path}\": {message}");
}

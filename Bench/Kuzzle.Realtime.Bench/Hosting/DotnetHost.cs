namespace Kuzzle.Realtime.Bench.Hosting;

/// <summary>The dotnet host used to start every child process.</summary>
public static class DotnetHost
{
    /// <summary>The host running this bench if it was started as <c>dotnet x.dll</c>, else the one on PATH.</summary>
    public static string Path { get; } = Resolve();

    private static string Resolve()
    {
        var self = Environment.ProcessPath;
        return self is not null && System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}

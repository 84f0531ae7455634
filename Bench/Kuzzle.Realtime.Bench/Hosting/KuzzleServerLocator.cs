namespace Kuzzle.Realtime.Bench.Hosting;

/// <summary>Finds the Release build of the Kuzzle server in the repository this bench was built from.</summary>
public static class KuzzleServerLocator
{
    private static readonly string RelativeDll = Path.Combine("Server", "Kuzzle.Realtime.Server", "bin", "Release", "net10.0", "Kuzzle.Realtime.Server.dll");

    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "Server", "Kuzzle.Realtime.Server")))
            {
                var dll = Path.Combine(dir.FullName, RelativeDll);
                return File.Exists(dll)
                    ? dll
                    : throw new FileNotFoundException($"no Release build of the server at {RelativeDll}; run: dotnet build Server/Kuzzle.Realtime.Server -c Release (or pass --server-dll)");
            }
        }

        throw new FileNotFoundException("repository root not found above the bench binary; pass --server-dll");
    }
}

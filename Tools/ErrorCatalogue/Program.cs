// Regenerates Protocol/Errors/KuzzleErrors.g.cs from Protocol/Errors/errors.json.
// Usage: dotnet run --project Tools/ErrorCatalogue [-- --check]   (--check: exit 1 when the generated file is out of date)
using Kuzzle.Realtime.Tools.ErrorCatalogue;

var root = FindRepositoryRoot(AppContext.BaseDirectory) ?? FindRepositoryRoot(Directory.GetCurrentDirectory());
if (root is null)
{
    Console.Error.WriteLine("Kuzzle.Realtime.sln not found above the tool or the working directory.");
    return 2;
}

var source = Path.Combine(root, "Protocol", "Errors", "errors.json");
var target = Path.Combine(root, "Protocol", "Errors", "KuzzleErrors.g.cs");
string generated;
try
{
    generated = CatalogueWriter.Write(Catalogue.Parse(await File.ReadAllTextAsync(source)));
}
catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var current = File.Exists(target) ? await File.ReadAllTextAsync(target) : "";
if (args.Contains("--check"))
{
    if (current == generated) return 0;
    Console.Error.WriteLine("KuzzleErrors.g.cs is out of date: run `dotnet run --project Tools/ErrorCatalogue`.");
    return 1;
}

if (current != generated) await File.WriteAllTextAsync(target, generated);
Console.WriteLine(current == generated ? "KuzzleErrors.g.cs is up to date." : "KuzzleErrors.g.cs regenerated.");
return 0;

static string? FindRepositoryRoot(string start)
{
    for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Kuzzle.Realtime.sln"))) return dir.FullName;
    return null;
}

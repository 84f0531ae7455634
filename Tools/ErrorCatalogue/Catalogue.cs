using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kuzzle.Realtime.Tools.ErrorCatalogue;

/// <summary>The error catalogue as written in errors.json: error classes with their HTTP status, then domains → subdomains → errors.</summary>
public sealed record Catalogue(
    [property: JsonPropertyName("classes")] IReadOnlyDictionary<string, int> Classes,
    [property: JsonPropertyName("domains")] IReadOnlyList<CatalogueDomain> Domains)
{
    /// <summary>Reads and checks a catalogue: every code fits its field, no duplicate id or code, every class is declared.</summary>
    public static Catalogue Parse(string json)
    {
        var catalogue = JsonSerializer.Deserialize(json, CatalogueJsonContext.Default.Catalogue)
            ?? throw new InvalidDataException("errors.json is empty");
        catalogue.Validate();
        return catalogue;
    }

    private void Validate()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var codes = new HashSet<int>();
        foreach (var domain in Domains)
        {
            Check(domain.Code is >= 0 and < 128, $"domain {domain.Name}: code {domain.Code} is not in 0..127");
            foreach (var subdomain in domain.Subdomains)
            {
                Check(subdomain.Code is >= 0 and < 256, $"{domain.Name}.{subdomain.Name}: code {subdomain.Code} is not in 0..255");
                foreach (var error in subdomain.Errors)
                {
                    var id = $"{domain.Name}.{subdomain.Name}.{error.Name}";
                    Check(error.Code is > 0 and < 65536, $"{id}: code {error.Code} is not in 1..65535");
                    Check(Classes.ContainsKey(error.Class), $"{id}: unknown class {error.Class}");
                    Check(ids.Add(id), $"{id} appears twice");
                    Check(codes.Add(FullCode(domain, subdomain, error)), $"{id}: its code is used twice");
                }
            }
        }
    }

    /// <summary>Kuzzle's numeric code: (domain &lt;&lt; 24) | (subdomain &lt;&lt; 16) | error.</summary>
    public static int FullCode(CatalogueDomain domain, CatalogueSubdomain subdomain, CatalogueError error) =>
        (domain.Code << 24) | (subdomain.Code << 16) | error.Code;

    private static void Check(bool condition, string message)
    {
        if (!condition) throw new InvalidDataException("errors.json: " + message);
    }
}

/// <summary>A domain of the catalogue (core, services, api, network, plugin, security…).</summary>
public sealed record CatalogueDomain(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("subdomains")] IReadOnlyList<CatalogueSubdomain> Subdomains);

/// <summary>A subdomain; <see cref="Identifier"/> names its C# class when its wire name is not a C# identifier.</summary>
public sealed record CatalogueSubdomain(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("identifier")] string? Identifier,
    [property: JsonPropertyName("errors")] IReadOnlyList<CatalogueError> Errors);

/// <summary>One error: its name within the subdomain, its code there, its class and its message template.</summary>
public sealed record CatalogueError(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("class")] string Class,
    [property: JsonPropertyName("message")] string Message);

[JsonSourceGenerationOptions(ReadCommentHandling = JsonCommentHandling.Skip, UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(Catalogue))]
internal sealed partial class CatalogueJsonContext : JsonSerializerContext;

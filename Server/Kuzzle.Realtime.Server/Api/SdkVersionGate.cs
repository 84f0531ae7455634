using System.Text.Json;
using Kuzzle.Realtime.Protocol.Errors;

namespace Kuzzle.Realtime.Server.Api;

/// <summary>
/// <c>server.strictSdkVersion</c>: refuses Kuzzle v1 SDKs (<c>volatile.sdkVersion</c>) and SDKs whose major is below what this API needs
/// (<c>volatile.sdkName = "name@version"</c>). Like Kuzzle, only the first character of the version is compared.
/// </summary>
public static class SdkVersionGate
{
    private static readonly Dictionary<string, char> MinimumMajors = new(StringComparer.Ordinal)
    {
        ["js"] = '7', ["csharp"] = '2', ["cpp"] = '2', ["java"] = '3', ["android"] = '5', ["go"] = '3', ["php"] = '4',
    };

    /// <summary>Throws <c>api.process.incompatible_sdk_version</c> for an incompatible SDK.</summary>
    public static void Check(JsonElement volatileData)
    {
        if (volatileData.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (volatileData.TryGetProperty("sdkVersion", out var legacy) && IsTruthy(legacy))
        {
            throw KuzzleErrors.Api.Process.IncompatibleSdkVersion.Create(legacy.ToString(), "Kuzzle v2");
        }

        if (!volatileData.TryGetProperty("sdkName", out var nameElement) || nameElement.ValueKind != JsonValueKind.String)
        {
            return;
        }

        var sdkName = nameElement.GetString()!;
        var at = sdkName.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at == sdkName.Length - 1)
        {
            return;
        }

        var name = sdkName[..at];
        var version = sdkName[(at + 1)..];
        if (MinimumMajors.TryGetValue(name, out var min) && version[0] < min)
        {
            throw KuzzleErrors.Api.Process.IncompatibleSdkVersion.Create(version, $"min: {min}, max: none");
        }
    }

    private static bool IsTruthy(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()!.Length > 0,
        JsonValueKind.Number => e.GetDouble() != 0,
        JsonValueKind.True or JsonValueKind.Object or JsonValueKind.Array => true,
        _ => false,
    };
}

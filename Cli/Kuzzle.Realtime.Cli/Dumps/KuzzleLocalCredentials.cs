using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Cli.Parsing;

namespace Kuzzle.Realtime.Cli.Dumps;

/// <summary>One local credential of a Kuzzle installation: the username, its user, and the stored hash with its parameters.</summary>
internal sealed record KuzzleLocalCredential(string Username, string Kuid, JsonObject Hash);

/// <summary>
/// Reads the documents of kuzzle-plugin-auth-passport-local's <c>users</c> collection (one per username: <c>kuid</c>,
/// <c>userPassword</c>, <c>userSalt</c>, <c>algorithm</c>, <c>stretching</c>, <c>encryption</c>), as JSON lines or a JSON array,
/// in any of the shapes exports produce: Kourou's <c>{"_id","body"}</c>, Elasticsearch's <c>{"_id","_source"}</c>, or the
/// document itself with its <c>_id</c>. Header lines without an <c>_id</c> (Kourou's <c>{"type":…}</c>) are skipped.
/// </summary>
internal static class KuzzleLocalCredentials
{
    /// <summary>The fields that describe a Kuzzle hash, passed on as they are.</summary>
    private static readonly string[] HashFields = ["userPassword", "userSalt", "algorithm", "stretching", "encryption"];

    public static List<KuzzleLocalCredential> Parse(string text, string path)
    {
        var documents = new List<(JsonNode? Node, string Where)>();
        var trimmed = text.TrimStart();
        try
        {
            if (trimmed.StartsWith('['))
            {
                var array = JsonNode.Parse(trimmed) as JsonArray ?? [];
                documents.AddRange(array.Select((n, i) => (n, $"{path}[{i}]")));
            }
            else
            {
                var lines = text.Split('\n');
                for (var i = 0; i < lines.Length; i++)
                {
                    if (!string.IsNullOrWhiteSpace(lines[i]))
                    {
                        documents.Add((JsonNode.Parse(lines[i]), $"{path}:{i + 1}"));
                    }
                }
            }
        }
        catch (JsonException ex)
        {
            throw new UsageException($"\"{path}\" is not JSON lines nor a JSON array: {ex.Message}");
        }

        var credentials = new List<KuzzleLocalCredential>();
        foreach (var (node, where) in documents)
        {
            if (node is not JsonObject document || document["_id"] is not JsonValue idValue || !idValue.TryGetValue<string>(out var username))
            {
                continue;
            }

            var source = document["_source"] as JsonObject ?? document["body"] as JsonObject ?? document;
            if (source["kuid"] is not JsonValue kuidValue || !kuidValue.TryGetValue<string>(out var kuid) || kuid.Length == 0)
            {
                throw new UsageException($"{where}: credential \"{username}\" has no kuid");
            }

            if (source["userPassword"] is not JsonValue hashValue || !hashValue.TryGetValue<string>(out _))
            {
                throw new UsageException($"{where}: credential \"{username}\" has no userPassword hash");
            }

            if (source["pepper"] is JsonValue pepper && pepper.TryGetValue<bool>(out var peppered) && peppered)
            {
                throw new UsageException($"{where}: credential \"{username}\" was hashed with a server pepper, which cannot be imported");
            }

            var hash = new JsonObject();
            foreach (var field in HashFields)
            {
                if (source[field] is { } value)
                {
                    hash[field] = value.DeepClone();
                }
            }

            credentials.Add(new KuzzleLocalCredential(username, kuid, hash));
        }

        return credentials;
    }
}

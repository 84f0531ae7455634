using System.Security.Cryptography;

namespace Kuzzle.Realtime.Server.Network;

/// <summary>This server instance's id, <c>knode-&lt;adjective&gt;-&lt;name&gt;-&lt;number&gt;</c>, sent as <c>node</c> and <c>X-Kuzzle-Node</c>.</summary>
public sealed class NodeIdentity
{
    private static readonly string[] Adjectives =
    [
        "brave", "calm", "clever", "eager", "gentle", "jolly", "keen", "lively", "nimble", "patient", "quiet", "rapid", "steady",
        "swift", "tidy", "vivid", "wise", "zesty", "bold", "bright",
    ];

    private static readonly string[] Names =
    [
        "ada", "babbage", "curie", "dijkstra", "euler", "fermat", "gauss", "hopper", "hypatia", "knuth", "lamport", "liskov",
        "lovelace", "noether", "pascal", "ritchie", "shannon", "turing", "wirth", "yonath",
    ];

    /// <summary>Uses the configured id, or generates one.</summary>
    public NodeIdentity(string? configured)
    {
        Id = string.IsNullOrWhiteSpace(configured)
            ? $"knode-{Adjectives[RandomNumberGenerator.GetInt32(Adjectives.Length)]}-{Names[RandomNumberGenerator.GetInt32(Names.Length)]}-{RandomNumberGenerator.GetInt32(100_000, 1_000_000)}"
            : configured;
    }

    /// <summary>The node id.</summary>
    public string Id { get; }
}

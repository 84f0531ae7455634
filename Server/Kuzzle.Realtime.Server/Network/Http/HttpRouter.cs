namespace Kuzzle.Realtime.Server.Network.Http;

/// <summary>A matched route and its placeholder values.</summary>
/// <param name="Route">The route.</param>
/// <param name="Parameters">Placeholder name → decoded segment.</param>
public sealed record RouteMatch(HttpRoute Route, IReadOnlyList<KeyValuePair<string, string>> Parameters);

/// <summary>
/// Per-verb route trees with Kuzzle's matching rules (protocol.md §5.3): empty segments ignored, segments percent-decoded, case-sensitive,
/// a literal segment beats a placeholder, and no backtracking (a literal that dead-ends is a 404).
/// </summary>
public sealed class HttpRouter
{
    private readonly Dictionary<string, Node> _trees = new(StringComparer.Ordinal);

    /// <summary>Builds the trees from the route table.</summary>
    public HttpRouter(IEnumerable<HttpRoute> routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        foreach (var route in routes)
        {
            if (!_trees.TryGetValue(route.Verb, out var node))
            {
                _trees[route.Verb] = node = new Node();
            }

            foreach (var segment in Split(route.Path, decode: false))
            {
                if (segment.StartsWith(':'))
                {
                    node.Placeholder ??= new Node { PlaceholderName = segment[1..] };
                    node = node.Placeholder;
                }
                else
                {
                    if (!node.Literals.TryGetValue(segment, out var child))
                    {
                        node.Literals[segment] = child = new Node();
                    }

                    node = child;
                }
            }

            node.Route ??= route; // First declaration wins, like Kuzzle's duplicate check.
        }
    }

    /// <summary>The verbs that have routes.</summary>
    public static IReadOnlySet<string> SupportedVerbs { get; } = new HashSet<string>(StringComparer.Ordinal) { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD" };

    /// <summary>Finds the route for a verb and a raw (still percent-encoded) path.</summary>
    public RouteMatch? Match(string verb, string rawPath)
    {
        if (!_trees.TryGetValue(verb, out var node))
        {
            return null;
        }

        List<KeyValuePair<string, string>>? parameters = null;
        foreach (var segment in Split(rawPath, decode: true))
        {
            if (node.Literals.TryGetValue(segment, out var literal))
            {
                node = literal;
            }
            else if (node.Placeholder is { } placeholder)
            {
                (parameters ??= []).Add(new(placeholder.PlaceholderName!, segment));
                node = placeholder;
            }
            else
            {
                return null;
            }
        }

        return node.Route is null ? null : new RouteMatch(node.Route, (IReadOnlyList<KeyValuePair<string, string>>?)parameters ?? []);
    }

    private static IEnumerable<string> Split(string path, bool decode)
    {
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            yield return decode ? Uri.UnescapeDataString(part) : part;
        }
    }

    private sealed class Node
    {
        public Dictionary<string, Node> Literals { get; } = new(StringComparer.Ordinal);

        public Node? Placeholder { get; set; }

        public string? PlaceholderName { get; init; }

        public HttpRoute? Route { get; set; }
    }
}

using System.Text.Json.Nodes;
using Kuzzle.Realtime.Server.Network.Http;

namespace Kuzzle.Realtime.Server.Api;

/// <summary>The API definition clients discover: <c>server:publicApi</c>, <c>serverInfo.kuzzle.api.routes</c> and <c>server:openapi</c>.</summary>
public sealed class ApiDescription
{
    // Kuzzle lists native controllers in this order, then plugin controllers.
    private static readonly string[] NativeOrder =
        ["auth", "bulk", "cluster", "collection", "debug", "document", "index", "realtime", "security", "server", "admin", "memoryStorage", "ms"];

    private readonly ControllerTable _controllers;

    /// <summary>Creates the description of the served API.</summary>
    public ApiDescription(ControllerTable controllers) => _controllers = controllers;

    /// <summary>Routes whose action is served, in route-table order.</summary>
    public IEnumerable<HttpRoute> ServedRoutes => RouteTable.Routes.Where(r => _controllers.HasAction(r.Controller, r.Action));

    /// <summary>controller → action → {action, controller, http?}.</summary>
    public JsonObject PublicApi()
    {
        var result = new JsonObject();
        var ordered = NativeOrder.Where(_controllers.HasController).Concat(_controllers.Controllers.Where(c => !NativeOrder.Contains(c)));
        foreach (var controller in ordered)
        {
            var actions = new JsonObject();
            foreach (var (c, action) in _controllers.ActionsInOrder.Where(a => a.Controller == controller))
            {
                var entry = new JsonObject { ["action"] = action, ["controller"] = c };
                var routes = RouteTable.Routes.Where(r => r.Controller == c && r.Action == action).ToList();
                if (routes.Count > 0)
                {
                    var http = new JsonArray();
                    foreach (var r in routes)
                    {
                        http.Add(new JsonObject { ["path"] = r.Path, ["url"] = r.Path, ["verb"] = r.Verb });
                    }

                    entry["http"] = http;
                }

                actions[action] = entry;
            }

            result[controller] = actions;
        }

        return result;
    }

    /// <summary>The Swagger 2.0 document of the served routes.</summary>
    public JsonObject OpenApi(string version)
    {
        var paths = new JsonObject();
        var tags = new JsonArray();
        var seenControllers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in ServedRoutes)
        {
            var path = string.Join('/', route.Path.Split('/').Select(s => s.StartsWith(':') ? "{" + s[1..] + "}" : s));
            if (paths[path] is not JsonObject item)
            {
                paths[path] = item = new JsonObject();
            }

            var verb = route.Verb.ToLowerInvariant();
            if (item.ContainsKey(verb))
            {
                continue; // First route wins on duplicates.
            }

            var operation = new JsonObject
            {
                ["tags"] = new JsonArray(route.Controller),
                ["description"] = $"Controller: {route.Controller}.",
                ["summary"] = $"Action: {route.Action}.",
            };
            var parameters = new JsonArray();
            foreach (var segment in route.Path.Split('/').Where(s => s.StartsWith(':')))
            {
                parameters.Add(new JsonObject { ["in"] = "path", ["name"] = segment[1..], ["required"] = true, ["type"] = "string" });
            }

            if (parameters.Count > 0)
            {
                operation["parameters"] = parameters;
            }

            operation["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } };
            item[verb] = operation;
            if (seenControllers.Add(route.Controller))
            {
                tags.Add(new JsonObject { ["description"] = char.ToUpperInvariant(route.Controller[0]) + route.Controller[1..] + " Controller", ["name"] = route.Controller });
            }
        }

        return new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Kuzzle API",
                ["description"] = "Kuzzle HTTP API definition",
                ["contact"] = new JsonObject { ["name"] = "Kuzzle team", ["url"] = "https://kuzzle.io", ["email"] = "support@kuzzle.io" },
                ["license"] = new JsonObject { ["name"] = "Apache 2", ["url"] = "http://opensource.org/licenses/apache2.0" },
                ["version"] = version,
            },
            ["externalDocs"] = new JsonObject { ["description"] = "Kuzzle API Documentation", ["url"] = "https://docs.kuzzle.io/core/2/api/" },
            ["tags"] = tags,
            ["schemes"] = new JsonArray("https", "http"),
            ["paths"] = paths,
        };
    }
}

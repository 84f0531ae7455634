using System.Text.RegularExpressions;
using Kuzzle.Realtime.Server.Configuration;

namespace Kuzzle.Realtime.Server.Api;

/// <summary><c>http.accessControlAllowOrigin</c>: which browser origins may call the API (HTTP and WebSocket alike).</summary>
public sealed class OriginPolicy
{
    private readonly bool _allowAll;
    private readonly HashSet<string> _origins;
    private readonly Regex[] _patterns;

    /// <summary>Builds the policy from configuration.</summary>
    public OriginPolicy(HttpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var entries = options.AccessControlAllowOrigin
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        _allowAll = entries.Contains("*");
        _origins = new HashSet<string>(entries, StringComparer.Ordinal);
        _patterns = options.AccessControlAllowOriginUseRegExp
            ? entries.Where(e => e != "*").Select(e => new Regex(e, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50))).ToArray()
            : [];
    }

    /// <summary>True when the allow-list contains <c>*</c>.</summary>
    public bool AllowsAll => _allowAll;

    /// <summary>True when a request with this Origin may run (no Origin: always).</summary>
    public bool IsAllowed(string? origin)
    {
        if (origin is null || _allowAll || _origins.Contains(origin))
        {
            return true;
        }

        foreach (var p in _patterns)
        {
            if (p.IsMatch(origin))
            {
                return true;
            }
        }

        return false;
    }
}

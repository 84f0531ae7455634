using System.Net;
using Microsoft.AspNetCore.Http;

namespace Kuzzle.Realtime.Server.Network;

/// <summary>
/// The client's address: the peer's, unless the peer is a trusted proxy (<c>Kuzzle:Server:Http:TrustedProxies</c>), in which case
/// <c>X-Forwarded-For</c> is read from the right, skipping trusted proxies, and the first other address is the client. Entries a
/// client wrote itself (left of the last untrusted hop) are never believed.
/// </summary>
public sealed class ClientAddress
{
    private readonly IPNetwork[] _trusted;

    /// <summary>Parses the trusted list (addresses or CIDRs, comma separated).</summary>
    /// <exception cref="FormatException">An entry is neither an address nor a CIDR.</exception>
    public ClientAddress(string? trustedProxies)
    {
        var list = new List<IPNetwork>();
        foreach (var entry in (trustedProxies ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (entry.Contains('/', StringComparison.Ordinal))
            {
                list.Add(IPNetwork.Parse(entry));
            }
            else
            {
                var single = Normalize(IPAddress.Parse(entry));
                list.Add(new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
        }

        _trusted = [.. list];
    }

    /// <summary>The client address of a request or WebSocket upgrade.</summary>
    public string Resolve(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return Resolve(http.Connection.RemoteIpAddress, http.Request.Headers["X-Forwarded-For"].ToString());
    }

    /// <summary>The client address given the peer and the <c>X-Forwarded-For</c> header (possibly empty).</summary>
    public string Resolve(IPAddress? peer, string forwardedFor)
    {
        if (peer is null)
        {
            return "unknown";
        }

        var current = Normalize(peer);
        if (_trusted.Length == 0 || !IsTrusted(current) || string.IsNullOrEmpty(forwardedFor))
        {
            return current.ToString();
        }

        var hops = forwardedFor.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = hops.Length - 1; i >= 0; i--)
        {
            if (!IPAddress.TryParse(hops[i], out var hop))
            {
                return current.ToString(); // A malformed hop: stop at the last address known for sure.
            }

            current = Normalize(hop);
            if (!IsTrusted(current))
            {
                return current.ToString();
            }
        }

        return current.ToString();
    }

    private bool IsTrusted(IPAddress address) => _trusted.Any(n => n.Contains(address));

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}

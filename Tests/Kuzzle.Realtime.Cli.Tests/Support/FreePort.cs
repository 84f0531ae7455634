using System.Net;
using System.Net.Sockets;

namespace Kuzzle.Realtime.Cli.Tests.Support;

/// <summary>Loopback ports nothing listens on.</summary>
public static class FreePort
{
    /// <summary>A port that was free a moment ago and that nothing listens on now.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

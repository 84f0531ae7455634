using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Kuzzle.Realtime.Tests.Support;

/// <summary>
/// A real OpenLDAP server (Debian's slapd, installed by test.sh) on a free loopback port, with a generated slapd.conf
/// and an mdb database in a temporary directory (no system configuration used), loaded with a small directory:
/// <c>dc=kuzzle,dc=test</c>, users alice and bob under <c>ou=people</c>, alice in <c>cn=admins,ou=groups</c>.
/// TLS: a throwaway CA issues slapd's certificate (for 127.0.0.1 only); StartTLS is offered on the plain port and
/// <c>ldaps://</c> listens on <see cref="TlsPort"/>. <see cref="TrustedCaDirectory"/> holds that CA,
/// <see cref="UntrustedCaDirectory"/> another one.
/// </summary>
public sealed class Slapd : IAsyncDisposable
{
    /// <summary>The directory's root.</summary>
    public const string Suffix = "dc=kuzzle,dc=test";

    /// <summary>The administrator (used as the search account).</summary>
    public const string AdminDn = "cn=admin," + Suffix;

    /// <summary>The administrator's password.</summary>
    public const string AdminPassword = "admin-secret";

    private readonly Process _process;
    private readonly string _directory;

    private Slapd(Process process, string directory, int port, int tlsPort)
    {
        _process = process;
        _directory = directory;
        Port = port;
        TlsPort = tlsPort;
    }

    /// <summary>The port slapd listens on.</summary>
    public int Port { get; }

    /// <summary>The <c>ldaps://</c> port.</summary>
    public int TlsPort { get; }

    /// <summary>A trust directory holding the CA that issued slapd's certificate.</summary>
    public string TrustedCaDirectory => Path.Combine(_directory, "trusted-ca");

    /// <summary>A trust directory holding an unrelated CA.</summary>
    public string UntrustedCaDirectory => Path.Combine(_directory, "untrusted-ca");

    /// <summary>The <c>ldap://</c> URL.</summary>
    public string Url => $"ldap://127.0.0.1:{Port}";

    /// <summary>Starts slapd and loads the directory.</summary>
    public static async Task<Slapd> StartAsync()
    {
        var slapd = new[] { "/usr/sbin/slapd", "/usr/local/sbin/slapd" }.FirstOrDefault(File.Exists);
        Assert.That(slapd, Is.Not.Null, "slapd is not installed (test.sh installs it: apt-get install slapd ldap-utils)");

        var directory = Path.Combine(Path.GetTempPath(), "kuzzle-slapd-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(directory, "data"));
        using (var ca = TestCertificates.CreateCa("Kuzzle test directory CA"))
        using (var other = TestCertificates.CreateCa("Unrelated CA"))
        {
            TestCertificates.WriteTrustDirectory(ca, Path.Combine(directory, "trusted-ca"));
            TestCertificates.WriteTrustDirectory(other, Path.Combine(directory, "untrusted-ca"));
            TestCertificates.WriteServerCertificate(ca, IPAddress.Loopback, Path.Combine(directory, "server.pem"), Path.Combine(directory, "server.key"));
        }

        var config = Path.Combine(directory, "slapd.conf");
        await File.WriteAllTextAsync(config, $"""
            include /etc/ldap/schema/core.schema
            include /etc/ldap/schema/cosine.schema
            include /etc/ldap/schema/inetorgperson.schema
            pidfile {directory}/slapd.pid
            TLSCACertificateFile {directory}/trusted-ca/ca.pem
            TLSCertificateFile {directory}/server.pem
            TLSCertificateKeyFile {directory}/server.key
            modulepath /usr/lib/ldap
            moduleload back_mdb
            database mdb
            maxsize 10485760
            suffix "{Suffix}"
            rootdn "{AdminDn}"
            rootpw {AdminPassword}
            directory {directory}/data
            """);

        var port = FreePort();
        var tlsPort = FreePort();
        var psi = new ProcessStartInfo(slapd!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-f", config, "-h", $"ldap://127.0.0.1:{port}/ ldaps://127.0.0.1:{tlsPort}/", "-d", "0" })
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi)!;
        var server = new Slapd(process, directory, port, tlsPort);
        try
        {
            await server.WaitListeningAsync();
            await server.LoadAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind changes no result.
        }
    }

    /// <summary>A port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitListeningAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException("slapd did not start: " + await _process.StandardError.ReadToEndAsync());
            }
        }
    }

    private async Task LoadAsync()
    {
        const string ldif = $"""
            dn: {Suffix}
            objectClass: dcObject
            objectClass: organization
            o: Kuzzle tests
            dc: kuzzle

            dn: ou=people,{Suffix}
            objectClass: organizationalUnit
            ou: people

            dn: ou=groups,{Suffix}
            objectClass: organizationalUnit
            ou: groups

            dn: uid=alice,ou=people,{Suffix}
            objectClass: inetOrgPerson
            uid: alice
            cn: Alice Liddell
            sn: Liddell
            mail: alice@kuzzle.test
            userPassword: alice-secret

            dn: uid=bob,ou=people,{Suffix}
            objectClass: inetOrgPerson
            uid: bob
            cn: Bob Morane
            sn: Morane
            mail: bob@kuzzle.test
            userPassword: bob-secret

            dn: cn=admins,ou=groups,{Suffix}
            objectClass: groupOfNames
            cn: admins
            member: uid=alice,ou=people,{Suffix}

            """;
        var psi = new ProcessStartInfo("ldapadd") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-x", "-H", Url, "-D", AdminDn, "-w", AdminPassword })
        {
            psi.ArgumentList.Add(a);
        }

        using var ldapadd = Process.Start(psi)!;
        await ldapadd.StandardInput.WriteAsync(ldif);
        ldapadd.StandardInput.Close();
        var output = ldapadd.StandardOutput.ReadToEndAsync();
        var error = ldapadd.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await ldapadd.WaitForExitAsync(timeout.Token);
        Assert.That(ldapadd.ExitCode, Is.Zero, "ldapadd failed: " + await output + await error);
    }
}

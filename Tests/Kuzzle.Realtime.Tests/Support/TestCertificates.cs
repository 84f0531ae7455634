using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kuzzle.Realtime.Tests.Support;

/// <summary>
/// Throwaway TLS material made with .NET's CertificateRequest (no openssl needed): a CA, and server certificates it
/// issues, written as PEM files. Keys are ECDSA P-256 (fast to make; slapd/GnuTLS and libldap accept them).
/// </summary>
public static class TestCertificates
{
    /// <summary>A self-signed CA valid for a day.</summary>
    public static X509Certificate2 CreateCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>
    /// A server certificate issued by <paramref name="ca"/> for the IP address <paramref name="address"/> only (so any
    /// host name, <c>localhost</c> included, mismatches), written to <paramref name="certificateFile"/> and <paramref name="keyFile"/>.
    /// </summary>
    public static void WriteServerCertificate(X509Certificate2 ca, IPAddress address, string certificateFile, string keyFile)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(address);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={address}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(address);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // serverAuth
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f; // a positive serial number
        using var certificate = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(23), serial);
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Writes <paramref name="ca"/> as the only certificate of a new directory (a trust directory for libldap).</summary>
    public static string WriteTrustDirectory(X509Certificate2 ca, string directory)
    {
        ArgumentNullException.ThrowIfNull(ca);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "ca.pem"), ca.ExportCertificatePem());
        return directory;
    }
}

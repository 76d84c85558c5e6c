using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Messenger.EndToEnd.Tests;

/// <summary>
/// A certificate authority made for one test run, so federating homeservers can keep <c>verify_tls</c> on, as in
/// production: each server's federation listener gets a certificate this authority issues for the IP literal of its
/// server name (Server-Server API, "Server discovery": the certificate must be valid for the hostname of the server
/// name, here 127.0.0.1), and each server trusts the authority through OpenSSL's <c>SSL_CERT_FILE</c>, which .NET on
/// Linux reads for its root store. No system trust store is touched.
/// </summary>
internal sealed class TestCertificateAuthority : IDisposable
{
    private readonly ECDsa key;
    private readonly X509Certificate2 certificate;

    private TestCertificateAuthority(string path, ECDsa key, X509Certificate2 certificate)
    {
        CertificatePath = path;
        this.key = key;
        this.certificate = certificate;
    }

    /// <summary>The authority's certificate as a PEM file: the only root a federating server trusts.</summary>
    public string CertificatePath { get; }

    /// <summary>Creates the authority and writes its certificate to <c>ca.crt</c> in <paramref name="directory"/>.</summary>
    public static TestCertificateAuthority Create(string directory)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Messenger end-to-end test authority", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
        var path = Path.Combine(directory, "ca.crt");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return new TestCertificateAuthority(path, key, certificate);
    }

    /// <summary>
    /// Issues a TLS server certificate for <paramref name="address"/> (an IP subject alternative name) and writes it
    /// with its private key as PEM files.
    /// </summary>
    public void IssueServerCertificate(IPAddress address, string certificatePath, string privateKeyPath)
    {
        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + address, serverKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(certificate, true, false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(address);
        request.CertificateExtensions.Add(names.Build());
        using var issued = request.Create(certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(key),
            DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(certificatePath, issued.ExportCertificatePem());
        File.WriteAllText(privateKeyPath, serverKey.ExportPkcs8PrivateKeyPem());
    }

    public void Dispose()
    {
        certificate.Dispose();
        key.Dispose();
    }
}

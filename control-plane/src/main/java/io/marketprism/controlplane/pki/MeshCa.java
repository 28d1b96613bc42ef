package io.marketprism.controlplane.pki;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The mesh certificate authority: a self-signed ECDSA P-256 root that issues short-lived workload certificates whose
 * only identity is a SPIFFE id in the URI SAN ({@code spiffe://marketprism/service/<name>}), usable for both server
 * and client authentication; optionally with host names ({@link HostNames}) for host-name-verifying tools. Workload certificates start a minute in the past to tolerate clock skew.
 *
 * <p>Thread-safe: immutable after construction; key generation uses a shared {@link SecureRandom}.
 */
public final class MeshCa {

  public static final String TRUST_DOMAIN = "marketprism";
  private static final Duration SKEW = Duration.ofMinutes(1);
  private static final String SIGNATURE = "SHA256withECDSA";

  private final X509Certificate certificate;
  private final PrivateKey key;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  private MeshCa(X509Certificate certificate, PrivateKey key, Clock clock) {
    this.certificate = certificate;
    this.key = key;
    this.clock = clock;
  }

  /** A new root valid for {@code validity}. */
  public static MeshCa create(String name, Duration validity, Clock clock) {
    try {
      KeyPair pair = newKeyPair(new SecureRandom());
      Instant now = clock.instant();
      X500Name subject = new X500Name("O=MarketPrism,CN=" + name);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          subject, serial(new SecureRandom()), Date.from(now.minus(SKEW)), Date.from(now.plus(validity)), subject, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new MeshCa(sign(builder, pair.getPrivate()), pair.getPrivate(), clock);
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create the mesh CA: " + e.getMessage(), e);
    }
  }

  /** Loads the CA written by {@link #save}, or creates and saves one if {@code dir} has none. */
  public static MeshCa loadOrCreate(Path dir, Duration validity, Clock clock) throws IOException {
    Path cert = dir.resolve("ca.pem");
    Path keyFile = dir.resolve("ca-key.pem");
    if (Files.exists(cert) && Files.exists(keyFile)) {
      return new MeshCa(readCertificate(Files.readString(cert)), readKey(Files.readString(keyFile)), clock);
    }
    MeshCa ca = create("MarketPrism mesh CA", validity, clock);
    ca.save(dir);
    return ca;
  }

  /** Writes {@code ca.pem} and {@code ca-key.pem} (owner-only) to {@code dir}. */
  public void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    PemFiles.writeAtomically(dir.resolve("ca.pem"), PemFiles.pem(certificate));
    PemFiles.writePrivate(dir.resolve("ca-key.pem"), PemFiles.pem(key));
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** A certificate for mesh service {@code service}. */
  public WorkloadCertificate issue(String service, Duration validity) {
    return issue(service, validity, HostNames.NONE);
  }

  /** A certificate for mesh service {@code service} that also names {@code hosts} (local workloads: loopback). */
  public WorkloadCertificate issue(String service, Duration validity, HostNames hosts) {
    return issueFor("spiffe://" + TRUST_DOMAIN + "/service/" + service, service, validity, hosts);
  }

  /** A certificate for any SPIFFE id (operators: {@code spiffe://marketprism/operator/<name>}). */
  public WorkloadCertificate issueFor(String spiffeId, String commonName, Duration validity) {
    return issueFor(spiffeId, commonName, validity, HostNames.NONE);
  }

  /**
   * A certificate for any SPIFFE id that also names {@code hosts}. The SPIFFE URI comes first among the subject
   * alternative names: it is the identity; the host names only let host-name-verifying clients accept a server.
   */
  public WorkloadCertificate issueFor(String spiffeId, String commonName, Duration validity, HostNames hosts) {
    try {
      KeyPair pair = newKeyPair(random);
      Instant now = clock.instant();
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          certificate, serial(random), Date.from(now.minus(SKEW)), Date.from(now.plus(validity)),
          new X500Name("O=MarketPrism,CN=" + commonName), pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, true, subjectAltNames(spiffeId, hosts))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new WorkloadCertificate(spiffeId, sign(builder, key), pair.getPrivate(), certificate);
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a certificate for " + spiffeId + ": " + e.getMessage(), e);
    }
  }

  private static GeneralNames subjectAltNames(String spiffeId, HostNames hosts) {
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId));
    hosts.dns().forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
    hosts.ips().forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  private static KeyPair newKeyPair(SecureRandom random) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), random);
    return generator.generateKeyPair();
  }

  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws OperatorCreationException, GeneralSecurityException {
    ContentSigner contentSigner = new JcaContentSignerBuilder(SIGNATURE).build(signer);
    X509CertificateHolder holder = builder.build(contentSigner);
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  static X509Certificate readCertificate(String pem) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      if (!(o instanceof X509CertificateHolder holder)) {
        throw new IOException("not a PEM certificate");
      }
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  static PrivateKey readKey(String pem) throws IOException {
    try (Reader reader = new StringReader(pem); PEMParser parser = new PEMParser(reader)) {
      Object o = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      throw new IOException("not a PEM private key");
    }
  }

  /** PEM text of {@code objects}, for writers that need it. */
  static String toPem(Object... objects) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (Object o : objects) {
        writer.writeObject(o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }
}

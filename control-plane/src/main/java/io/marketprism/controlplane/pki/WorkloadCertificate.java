package io.marketprism.controlplane.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * A certificate the mesh CA issued, its key, and the CA certificate that verifies it.
 *
 * @param spiffeId the identity in the certificate's URI SAN
 */
public record WorkloadCertificate(String spiffeId, X509Certificate certificate, PrivateKey key, X509Certificate ca) {

  public Instant notAfter() {
    return certificate.getNotAfter().toInstant();
  }

  public Instant notBefore() {
    return certificate.getNotBefore().toInstant();
  }
}

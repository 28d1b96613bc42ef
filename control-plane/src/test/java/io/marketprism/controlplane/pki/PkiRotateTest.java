package io.marketprism.controlplane.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pki rotate}: the certificate files Envoy sidecars read through SDS, one directory per service. */
class PkiRotateTest {

  @Test
  void writesEachServicesIdentityIntoItsOwnDirectory(@TempDir Path dir) throws Exception {
    List<CertificateRotator> rotators = PkiMain.startRotating(new String[] {"rotate", "--ca-dir", dir.resolve("ca").toString(),
        "--services", "data-storage,edge-gateway", "--out", dir.resolve("certs").toString(), "--ttl", "1h"});
    try {
      for (String service : List.of("data-storage", "edge-gateway")) {
        Path certs = dir.resolve("certs").resolve(service);
        assertThat(certs.resolve(PemFiles.KEY)).exists();
        assertThat(certs.resolve(PemFiles.CA)).exists();
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(certs.resolve(PemFiles.CERTIFICATE))) {
          cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        assertThat(cert.getSubjectAlternativeNames()).containsExactly(List.of(6, "spiffe://marketprism/service/" + service));
      }
    } finally {
      rotators.forEach(CertificateRotator::close);
    }
  }

  @Test
  void refusesANameThatIsNoServiceName() {
    assertThatThrownBy(() -> PkiMain.startRotating(new String[] {"rotate", "--ca-dir", "x", "--services", "ok,Not OK",
        "--out", "y"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Not OK");
  }
}

package io.marketprism.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshCertificatesTest {

  @TempDir Path directory;

  @Test
  void everyServiceGetsItsSpiffeIdAndTheLoopbackNames() throws Exception {
    Workspace workspace = new Workspace(CommandRun.repository(), directory.resolve("ws"));
    try (MeshCertificates certificates =
        MeshCertificates.issue(workspace, List.of("data-storage", "monitoring"), Duration.ofHours(1))) {
      assertThat(certificates.services()).containsExactly("data-storage", "monitoring");
      X509Certificate storage = read(workspace.certificateDirectory("data-storage").resolve("cert.pem"));

      // (type, value) pairs: 6 = URI, 2 = DNS, 7 = IP
      assertThat(storage.getSubjectAlternativeNames())
          .extracting(name -> name.get(0) + "=" + name.get(1))
          .containsExactlyInAnyOrder(
              "6=spiffe://marketprism/service/data-storage", "2=localhost", "7=127.0.0.1");
    }
  }

  private static X509Certificate read(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}

package io.marketprism.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

  @Test
  void localXdsClientsGetAnOperatorCertificateAndABootstrapForThePlaintextAdsPort() throws Exception {
    Workspace workspace = new Workspace(CommandRun.repository(), directory.resolve("ws"));
    try (MeshCertificates certificates =
        MeshCertificates.issueWithXdsClient(
            workspace, List.of("data-storage"), Duration.ofHours(1), 7110)) {
      X509Certificate client = read(workspace.xdsClientCertificateDirectory().resolve("cert.pem"));
      assertThat(client.getSubjectAlternativeNames())
          .extracting(name -> name.get(0) + "=" + name.get(1))
          .containsExactly("6=spiffe://marketprism/operator/xds-client");
      JsonNode bootstrap = new ObjectMapper().readTree(workspace.xdsClientBootstrap().toFile());
      assertThat(bootstrap.at("/xds_servers/0/server_uri").asText()).isEqualTo("127.0.0.1:7110");
      assertThat(bootstrap.at("/xds_servers/0/channel_creds/0/type").asText()).isEqualTo("insecure");
      assertThat(bootstrap.at("/certificate_providers/client/plugin_name").asText()).isEqualTo("file_watcher");
      assertThat(bootstrap.at("/certificate_providers/client/config/certificate_file").asText())
          .isEqualTo(workspace.xdsClientCertificateDirectory().resolve("cert.pem").toAbsolutePath().toString());
    }
  }

  private static X509Certificate read(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}

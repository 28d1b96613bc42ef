package io.marketprism.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.UnprocessedRequestException;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ClosedSessionException;
import io.marketprism.controlplane.pki.CertificateRotator;
import io.marketprism.controlplane.pki.HostNames;
import io.marketprism.controlplane.pki.MeshCa;
import io.marketprism.controlplane.pki.PemFiles;
import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With {@code http.tls} set the users' port speaks HTTPS only, verified by a client that trusts the issuing CA. */
class GatewayTlsTest {

  @TempDir Path dir;

  @Test
  void httpsWhenACertificateIsConfigured() throws Exception {
    MeshCa ca = MeshCa.create("test CA", Duration.ofDays(1), Clock.systemUTC());
    Path certificates = dir.resolve("tls");
    try (CertificateRotator ignored =
            CertificateRotator.start(ca, "api-gateway", certificates, Duration.ofHours(1), HostNames.LOOPBACK, Clock.systemUTC());
        GatewayHarness gateway =
            new GatewayHarness(
                dir,
                Map.of(),
                Map.of(
                    "MARKETPRISM_HTTP_TLS_CERT_FILE", certificates.resolve(PemFiles.CERTIFICATE).toString(),
                    "MARKETPRISM_HTTP_TLS_KEY_FILE", certificates.resolve(PemFiles.KEY).toString()));
        ClientFactory trusting =
            ClientFactory.builder()
                .tlsCustomizer(tls -> tls.trustManager(new File(certificates.resolve(PemFiles.CA).toString())))
                .build()) {
      AggregatedHttpResponse https =
          WebClient.builder("https://localhost:" + gateway.httpPort).factory(trusting).build().blocking()
              .get("/openapi.json");
      assertThat(https.status().code()).isEqualTo(200);
      assertThat(https.contentUtf8()).contains("\"openapi\"");

      // a plaintext request gets no HTTP answer at all from the TLS port
      assertThatThrownBy(
              () ->
                  WebClient.builder("http://127.0.0.1:" + gateway.httpPort)
                      .responseTimeout(Duration.ofSeconds(5))
                      .build()
                      .blocking()
                      .get("/openapi.json"))
          .isInstanceOfAny(ClosedSessionException.class, UnprocessedRequestException.class);
    }
  }
}

package io.marketprism.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.marketprism.controlplane.pki.CertificateRotator;
import io.marketprism.controlplane.pki.MeshCa;
import io.marketprism.controlplane.pki.PemFiles;
import io.marketprism.controlplane.pki.WorkloadCertificate;
import io.marketprism.controlplane.support.MeshHarness;
import io.marketprism.registry.v1.InstanceState;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STRICT mTLS with SPIFFE identities from the mesh CA, RBAC on the server listener, and certificate rotation. */
@WithNats
class MutualTlsTest {

  private static final Duration SHORT_LIVED = Duration.ofSeconds(3);

  private static MeshHarness mesh;
  private static MeshCa ca;
  private static Path certs;
  private static CertificateRotator vaultCerts;
  private static MeshHarness.Backend vault;

  @BeforeAll
  static void start(NatsServer nats, @TempDir Path dir) throws Exception {
    mesh = new MeshHarness(nats.url(), dir, """
        services:
          vault:
            mtls: STRICT
            rbac: {allow: [{from: teller, methods: ["/%s/*"]}]}
        """.formatted(SimpleServiceGrpc.SERVICE_NAME));
    ca = MeshCa.create("test mesh CA", Duration.ofDays(1), Clock.systemUTC());
    certs = dir.resolve("certs");
    vaultCerts = CertificateRotator.start(ca, "vault", certs.resolve("vault"), SHORT_LIVED, Clock.systemUTC());
    vault = mesh.backend("vault", "vault-a", "1.0", InsecureServerCredentials.create(),
        Map.of("server", fileWatcher(certs.resolve("vault"))), MeshHarness.freePort());
    await().atMost(Duration.ofSeconds(20)).until(() -> mesh.controlPlane().registryView()
        .instances(i -> i.getService().equals("vault") && i.getState() == InstanceState.INSTANCE_STATE_SERVING).size() == 1);
  }

  @AfterAll
  static void stop() throws Exception {
    vaultCerts.close();
    mesh.close();
  }

  private static Map<String, Object> fileWatcher(Path dir) {
    return Map.of("plugin_name", "file_watcher", "config", Map.of(
        "certificate_file", dir.resolve(PemFiles.CERTIFICATE).toString(),
        "private_key_file", dir.resolve(PemFiles.KEY).toString(),
        "ca_certificate_file", dir.resolve(PemFiles.CA).toString(),
        "refresh_interval", "1s"));
  }

  private static ManagedChannel clientWithFiles(Path dir) {
    return mesh.client("vault", "test-client", InsecureChannelCredentials.create(), Map.of("client", fileWatcher(dir)));
  }

  private static ManagedChannel clientAs(String service) throws Exception {
    Path dir = certs.resolve("client-" + service);
    PemFiles.write(dir, ca.issue(service, Duration.ofHours(1)));
    return clientWithFiles(dir);
  }

  private static Status.Code codeOf(ManagedChannel channel) {
    try {
      MeshHarness.call(channel, Map.of());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void anAllowedMeshIdentityIsServed() throws Exception {
    ManagedChannel teller = clientAs("teller");
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> codeOf(teller) == Status.Code.OK);
    assertThat(MeshHarness.call(teller, Map.of())).isEqualTo("vault-a");
  }

  @Test
  void aMeshIdentityThatRbacDoesNotAllowGetsPermissionDenied() throws Exception {
    ManagedChannel intruder = clientAs("intruder");
    await().atMost(Duration.ofSeconds(20)).until(() -> codeOf(intruder) != Status.Code.UNAVAILABLE);
    assertThat(codeOf(intruder)).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void aPlaintextClientIsRefused() {
    ManagedChannel plain = Grpc.newChannelBuilder("127.0.0.1:" + vault.port, InsecureChannelCredentials.create()).build();
    try {
      assertThatThrownBy(() -> MeshHarness.call(plain, Map.of()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    } finally {
      plain.shutdownNow();
    }
  }

  @Test
  void aClientCertificateFromAnotherCaIsRefused() throws Exception {
    MeshCa foreign = MeshCa.create("someone else's CA", Duration.ofDays(1), Clock.systemUTC());
    WorkloadCertificate forged = foreign.issue("teller", Duration.ofHours(1));
    Path dir = certs.resolve("forged");
    // trusts the real mesh CA, so the only thing wrong is the client certificate's issuer
    PemFiles.write(dir, new WorkloadCertificate(forged.spiffeId(), forged.certificate(), forged.key(), ca.certificate()));
    ManagedChannel channel = clientWithFiles(dir);

    assertThat(codeOf(channel)).isEqualTo(Status.Code.UNAVAILABLE);
    // the same identity with a mesh certificate is served, so the refusal is the CA's doing
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> codeOf(clientAs("teller")) == Status.Code.OK);
  }

  @Test
  void rotatingCertificatesUnderLoadFailsNoCall() throws Exception {
    Path tellerDir = certs.resolve("rotating-teller");
    try (CertificateRotator tellerCerts = CertificateRotator.start(ca, "teller", tellerDir, SHORT_LIVED, Clock.systemUTC())) {
      ManagedChannel teller = clientWithFiles(tellerDir);
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> codeOf(teller) == Status.Code.OK);
      int serverRotationsBefore = vaultCerts.rotations();

      AtomicInteger calls = new AtomicInteger();
      AtomicInteger failures = new AtomicInteger();
      // well past the lifetime of the certificates in use when the load started
      long until = System.nanoTime() + SHORT_LIVED.multipliedBy(2).toNanos();
      while (System.nanoTime() < until) {
        if (codeOf(teller) != Status.Code.OK) {
          failures.incrementAndGet();
        }
        calls.incrementAndGet();
      }

      assertThat(tellerCerts.rotations()).isGreaterThanOrEqualTo(2);
      assertThat(vaultCerts.rotations() - serverRotationsBefore).isGreaterThanOrEqualTo(2);
      assertThat(failures).as("failed of %d calls", calls.get()).hasValue(0);
    }
  }
}

package io.marketprism.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.marketprism.controlplane.pki.CertificateRotator;
import io.marketprism.controlplane.pki.HostNames;
import io.marketprism.controlplane.pki.MeshCa;
import io.marketprism.controlplane.pki.PemFiles;
import io.marketprism.controlplane.pki.WorkloadCertificate;
import io.marketprism.controlplane.support.MeshHarness;
import io.marketprism.registry.v1.InstanceState;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * STRICT mTLS with SPIFFE identities from the mesh CA, RBAC on the server listener, and certificate rotation: no call
 * fails, neither on a kept connection nor on connections opened while the server's certificate is replaced.
 */
@WithNats
class MutualTlsTest {

  /** The shortest lifetime the rotator accepts: replaced every 6 s, the old certificate valid 3 s longer. */
  private static final Duration SHORT_LIVED = CertificateRotator.MINIMUM_LIFETIME;

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
    vaultCerts = CertificateRotator.start(
        ca, "vault", certs.resolve("vault"), SHORT_LIVED, HostNames.LOOPBACK, Clock.systemUTC());
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

  static Map<String, Object> fileWatcher(Path dir) {
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

  static Status.Code codeOf(ManagedChannel channel) {
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
  void aRefusalNamesTheCallersIdentityAndTheMethod() throws Exception {
    ManagedChannel intruder = clientAs("intruder");
    await().atMost(Duration.ofSeconds(20)).until(() -> codeOf(intruder) != Status.Code.UNAVAILABLE);

    assertThatThrownBy(() -> MeshHarness.call(intruder, Map.of()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getDescription())
            .isEqualTo("spiffe://marketprism/service/intruder may not call grpc.testing.SimpleService/UnaryRpc"
                + " (denied by the mesh policy of vault)"));
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
  void rotatingCertificatesUnderLoadFailsNoCallOnOneConnectionOrOnNewOnes() throws Exception {
    Path tellerDir = certs.resolve("rotating-teller");
    // a fresh channel per call (a new TLS handshake each time, verifying the server's validity and host name), with
    // a certificate that does not rotate: what it proves is that the server never presents an expired certificate
    Path fixedDir = certs.resolve("fixed-teller");
    PemFiles.write(fixedDir, ca.issue("teller", Duration.ofHours(1)));
    ChannelCredentials fresh = TlsChannelCredentials.newBuilder()
        .keyManager(fixedDir.resolve(PemFiles.CERTIFICATE).toFile(), fixedDir.resolve(PemFiles.KEY).toFile())
        .trustManager(fixedDir.resolve(PemFiles.CA).toFile())
        .build();
    try (CertificateRotator tellerCerts = CertificateRotator.start(ca, "teller", tellerDir, SHORT_LIVED, Clock.systemUTC())) {
      ManagedChannel teller = clientWithFiles(tellerDir);
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> codeOf(teller) == Status.Code.OK);
      int serverRotationsBefore = vaultCerts.rotations();

      AtomicInteger calls = new AtomicInteger();
      AtomicInteger failures = new AtomicInteger();
      List<String> errors = new ArrayList<>();
      Set<BigInteger> serverCertificates = new HashSet<>();
      // well past the lifetime of the certificates in use when the load started
      long until = System.nanoTime() + SHORT_LIVED.multipliedBy(2).toNanos();
      while (System.nanoTime() < until) {
        Status.Code kept = codeOf(teller);
        Status.Code onNewConnection = callOnNewConnection(fresh, serverCertificates, errors);
        calls.addAndGet(2);
        if (kept != Status.Code.OK) {
          failures.incrementAndGet();
          errors.add("xDS channel: " + kept);
        }
        if (onNewConnection != Status.Code.OK) {
          failures.incrementAndGet();
        }
      }

      assertThat(tellerCerts.rotations()).isGreaterThanOrEqualTo(2);
      assertThat(vaultCerts.rotations() - serverRotationsBefore).isGreaterThanOrEqualTo(2);
      assertThat(serverCertificates).as("server certificates met by new handshakes").hasSizeGreaterThanOrEqualTo(3);
      assertThat(failures).as("failed of %d calls: %s", calls.get(), errors).hasValue(0);
    }
  }

  @Test
  void aLifetimeTooShortToRotateSafelyIsRefused(@TempDir Path dir) {
    assertThatThrownBy(() -> CertificateRotator.start(ca, "vault", dir, Duration.ofSeconds(8), Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("certificate lifetime 8000ms is below the minimum 9s: a certificate is replaced at two thirds of"
            + " its lifetime and must stay valid for at least 3s after that, while the file watchers take up its"
            + " replacement");
    assertThat(dir).isEmptyDirectory();
  }

  /** One call over a channel of its own, recording the certificate the server presented in that handshake. */
  private static Status.Code callOnNewConnection(ChannelCredentials credentials, Set<BigInteger> serverCertificates,
      List<String> errors) {
    ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + vault.port, credentials).build();
    try {
      AtomicReference<SSLSession> session = new AtomicReference<>();
      SimpleServiceGrpc.newBlockingStub(channel)
          .withInterceptors(new SessionRecorder(session))
          .withDeadlineAfter(5, TimeUnit.SECONDS)
          .unaryRpc(SimpleRequest.getDefaultInstance());
      serverCertificates.add(((X509Certificate) session.get().getPeerCertificates()[0]).getSerialNumber());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      errors.add("new connection: " + e.getStatus() + (e.getCause() != null ? " caused by " + e.getCause() : ""));
      return e.getStatus().getCode();
    } catch (SSLPeerUnverifiedException e) {
      throw new AssertionError("a TLS call without a server certificate", e);
    } finally {
      channel.shutdownNow();
    }
  }

  /** Keeps the TLS session of the call's transport. */
  private record SessionRecorder(AtomicReference<SSLSession> session) implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
            @Override
            public void onHeaders(Metadata responseHeaders) {
              session.set(getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
              super.onHeaders(responseHeaders);
            }
          }, headers);
        }
      };
    }
  }
}

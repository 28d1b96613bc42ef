package io.marketprism.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.marketprism.controlplane.pki.HostNames;
import io.marketprism.controlplane.pki.MeshCa;
import io.marketprism.controlplane.pki.PemFiles;
import io.marketprism.controlplane.support.MeshHarness;
import io.marketprism.registry.v1.InstanceState;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workload certificates with {@code localhost} / {@code 127.0.0.1} besides the SPIFFE id: a host-name-verifying
 * client (what {@code buf curl --cacert ca.pem --cert --key https://localhost:<port>} does) accepts the xDS server,
 * while the mesh's own SAN check and RBAC still go by the SPIFFE id — operators by {@code operator/<name>} or
 * {@code operator/*}, services by name.
 */
@WithNats
class LocalCertificatesTest {

  private static MeshHarness mesh;
  private static MeshCa ca;
  private static Path certs;
  private static MeshHarness.Backend vault;
  private static MeshHarness.Backend ledger;

  @BeforeAll
  static void start(NatsServer nats, @TempDir Path dir) throws Exception {
    String methods = "[\"/" + SimpleServiceGrpc.SERVICE_NAME + "/*\"]";
    mesh = new MeshHarness(nats.url(), dir, """
        defaults: {mtls: STRICT}
        services:
          vault:
            rbac: {allow: [{from: teller, methods: %1$s}, {from: "operator/alice", methods: %1$s}]}
          ledger:
            rbac: {allow: [{from: "operator/*", methods: %1$s}]}
        """.formatted(methods));
    ca = MeshCa.create("test mesh CA", Duration.ofDays(1), Clock.systemUTC());
    certs = dir.resolve("certs");
    vault = localBackend("vault");
    ledger = localBackend("ledger");
    await().atMost(Duration.ofSeconds(20)).until(() -> mesh.controlPlane().registryView()
        .instances(i -> i.getState() == InstanceState.INSTANCE_STATE_SERVING).size() == 2);
  }

  private static MeshHarness.Backend localBackend(String service) throws Exception {
    Path files = certs.resolve(service);
    PemFiles.write(files, ca.issue(service, Duration.ofHours(1), HostNames.LOOPBACK));
    return mesh.backend(service, service + "-a", "1.0", InsecureServerCredentials.create(),
        Map.of("server", MutualTlsTest.fileWatcher(files)), MeshHarness.freePort());
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  @Test
  void theCertificateNamesTheSpiffeIdFirstThenTheLoopbackNames() throws Exception {
    var names = ca.issue("vault", Duration.ofHours(1), HostNames.LOOPBACK).certificate().getSubjectAlternativeNames();
    assertThat(names).containsExactly(
        List.of(6, "spiffe://marketprism/service/vault"), List.of(2, "localhost"), List.of(7, "127.0.0.1"));
  }

  @Test
  void aHostNameVerifyingClientAcceptsTheServerAtLocalhostAndAt127001() throws Exception {
    ChannelCredentials alice = operator("alice");
    for (String host : List.of("localhost", "127.0.0.1")) {
      assertThat(codeOf(alice, host, vault.port)).as(host).isEqualTo(Status.Code.OK);
    }
  }

  @Test
  void withoutTheLoopbackNamesTheSameClientRefusesTheServer() throws Exception {
    Path files = certs.resolve("bare");
    PemFiles.write(files, ca.issue("bare", Duration.ofHours(1)));
    Server bare = Grpc.newServerBuilderForPort(0, TlsServerCredentials.newBuilder()
            .keyManager(files.resolve(PemFiles.CERTIFICATE).toFile(), files.resolve(PemFiles.KEY).toFile()).build())
        .addService(new SimpleServiceGrpc.SimpleServiceImplBase() {
          @Override
          public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> response) {
            response.onNext(SimpleResponse.getDefaultInstance());
            response.onCompleted();
          }
        })
        .build().start();
    try {
      ChannelCredentials alice = operator("alice");
      // the chain is the same CA's: only the host name check can refuse it
      assertThat(codeOf(alice, "localhost", bare.getPort())).isEqualTo(Status.Code.UNAVAILABLE);
    } finally {
      bare.shutdownNow();
    }
  }

  @Test
  void rbacAdmitsOperatorsByNameOrByOperatorStarButNoServiceByOperatorStar() throws Exception {
    assertThat(codeOf(operator("bob"), "localhost", vault.port)).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(codeOf(operator("bob"), "localhost", ledger.port)).isEqualTo(Status.Code.OK);
    assertThat(codeOf(service("teller"), "localhost", ledger.port)).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void xdsClientsWithLoopbackNamesKeepTheirSpiffeIdentityForSanChecksAndRbac() throws Exception {
    ManagedChannel teller = xdsClientAs("teller");
    ManagedChannel intruder = xdsClientAs("intruder");
    // the client's SAN check (exact spiffe://marketprism/service/vault) passes a certificate with more names
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> "vault-a".equals(MeshHarness.call(teller, Map.of())));
    await().atMost(Duration.ofSeconds(20)).until(() -> MutualTlsTest.codeOf(intruder) != Status.Code.UNAVAILABLE);
    assertThat(MutualTlsTest.codeOf(intruder)).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  private static ManagedChannel xdsClientAs(String service) throws Exception {
    Path dir = certs.resolve("xds-" + service);
    PemFiles.write(dir, ca.issue(service, Duration.ofHours(1), HostNames.LOOPBACK));
    return mesh.client("vault", "test-client", InsecureChannelCredentials.create(),
        Map.of("client", MutualTlsTest.fileWatcher(dir)));
  }

  /** What {@code pki issue --name} writes, as TLS credentials that verify the server's host name. */
  private static ChannelCredentials operator(String name) throws Exception {
    return credentials(ca.issueFor("spiffe://marketprism/operator/" + name, name, Duration.ofHours(1)), "op-" + name);
  }

  private static ChannelCredentials service(String name) throws Exception {
    return credentials(ca.issue(name, Duration.ofHours(1)), "svc-" + name);
  }

  private static ChannelCredentials credentials(io.marketprism.controlplane.pki.WorkloadCertificate certificate, String dir)
      throws Exception {
    Path files = certs.resolve(dir);
    PemFiles.write(files, certificate);
    return TlsChannelCredentials.newBuilder()
        .keyManager(files.resolve(PemFiles.CERTIFICATE).toFile(), files.resolve(PemFiles.KEY).toFile())
        .trustManager(files.resolve(PemFiles.CA).toFile())
        .build();
  }

  private static Status.Code codeOf(ChannelCredentials credentials, String host, int port) {
    ManagedChannel channel = Grpc.newChannelBuilder(host + ":" + port, credentials).build();
    try {
      return MutualTlsTest.codeOf(channel);
    } finally {
      channel.shutdownNow();
    }
  }
}

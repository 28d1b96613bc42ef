package io.marketprism.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.marketprism.common.v1.Endpoint;
import io.marketprism.controlplane.pki.MeshCa;
import io.marketprism.controlplane.pki.PemFiles;
import io.marketprism.controlplane.registry.NatsRegistryStore;
import io.marketprism.controlplane.registry.Registry;
import io.marketprism.controlplane.registry.RegistryView;
import io.marketprism.controlplane.support.SpiffeTrust;
import io.marketprism.registry.v1.Instance;
import io.marketprism.registry.v1.RegisterRequest;
import io.marketprism.registry.v1.RegistryServiceGrpc;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over mTLS, a service may only register its own instances. */
@WithNats
class CallerIdentityTest {

  @Test
  void aServiceMayRegisterItsOwnInstancesButNotAnotherServicesOverMutualTls(NatsServer nats, @TempDir Path dir) throws Exception {
    MeshCa ca = MeshCa.create("test", Duration.ofDays(1), Clock.systemUTC());
    PemFiles.write(dir.resolve("cp"), ca.issue("control-plane", Duration.ofHours(1)));
    PemFiles.write(dir.resolve("storage"), ca.issue("data-storage", Duration.ofHours(1)));
    String bucket = "identity-" + UUID.randomUUID().toString().substring(0, 8);
    try (Connection connection = Nats.connect(nats.url())) {
      NatsRegistryStore store = NatsRegistryStore.open(connection, bucket);
      try (RegistryView view = RegistryView.watching(store)) {
        Registry registry = new Registry(store, view, Clock.systemUTC());
        Server server = Grpc.newServerBuilderForPort(0, TlsServerCredentials.newBuilder()
                .keyManager(dir.resolve("cp/cert.pem").toFile(), dir.resolve("cp/key.pem").toFile())
                .trustManager(dir.resolve("cp/ca.pem").toFile())
                .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                .build())
            .addService(ServerInterceptors.intercept(new RegistryApi(registry), new CallerIdentity()))
            .build().start();
        ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + server.getPort(), TlsChannelCredentials.newBuilder()
                .keyManager(dir.resolve("storage/cert.pem").toFile(), dir.resolve("storage/key.pem").toFile())
                .trustManager(SpiffeTrust.of(ca.certificate()))
                .build())
            .build();
        try {
          RegistryServiceGrpc.RegistryServiceBlockingStub stub = RegistryServiceGrpc.newBlockingStub(channel);
          assertThat(stub.register(request("data-storage")).getInstance().getService()).isEqualTo("data-storage");
          assertThatThrownBy(() -> stub.register(request("scheduler")))
              .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                assertThat(e.getStatus().getDescription()).contains("spiffe://marketprism/service/data-storage");
              });
        } finally {
          channel.shutdownNow();
          server.shutdownNow();
          connection.keyValueManagement().delete(bucket);
        }
      }
    }
  }

  private static RegisterRequest request(String service) {
    return RegisterRequest.newBuilder().setInstance(Instance.newBuilder().setService(service).setInstanceId("a")
        .setAddress(Endpoint.newBuilder().setHost("127.0.0.1").setPort(7000))).build();
  }
}

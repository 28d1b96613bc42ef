package io.marketprism.config.access;

import io.marketprism.kit.api.CallerInterceptor;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.marketprism.config.v1.ConfigServiceGrpc;
import io.marketprism.config.v1.Entry;
import io.marketprism.config.v1.GetRequest;
import io.marketprism.config.v1.GetResponse;
import io.marketprism.controlplane.pki.MeshCa;
import io.marketprism.controlplane.pki.PemFiles;
import io.marketprism.kit.mesh.MeshTls;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over real mTLS with mesh certificates, the caller is the client certificate's SPIFFE id. */
class CallerInterceptorTest {

  private static final String GATEWAY = "spiffe://marketprism/service/api-gateway";

  /** Answers Get with the caller it was given, in updated_by. */
  private static final class Echo extends ConfigServiceGrpc.ConfigServiceImplBase {
    @Override
    public void get(GetRequest request, StreamObserver<GetResponse> response) {
      response.onNext(
          GetResponse.newBuilder().setEntry(Entry.newBuilder().setUpdatedBy(CallerInterceptor.current().toString())).build());
      response.onCompleted();
    }
  }

  private static String callerAs(Path dir, String service, String forwarded) throws Exception {
    try (MeshTls serverTls = MeshTls.watchingDirectory(dir.resolve("config-center"), Optional.empty());
        MeshTls clientTls =
            MeshTls.watchingDirectory(dir.resolve(service), Optional.of("spiffe://marketprism/service/config-center"))) {
      Server server =
          Grpc.newServerBuilderForPort(0, serverTls.serverCredentials())
              .addService(ServerInterceptors.intercept(new Echo(), new CallerInterceptor(GATEWAY, "anonymous")))
              .build()
              .start();
      ManagedChannel channel =
          Grpc.newChannelBuilder("127.0.0.1:" + server.getPort(), clientTls.channelCredentials()).build();
      try {
        Metadata metadata = new Metadata();
        if (forwarded != null) {
          metadata.put(CallerInterceptor.FORWARDED_CALLER, forwarded);
        }
        return ConfigServiceGrpc.newBlockingStub(
                ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(metadata)))
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .get(GetRequest.getDefaultInstance())
            .getEntry()
            .getUpdatedBy();
      } finally {
        channel.shutdownNow();
        server.shutdownNow();
      }
    }
  }

  @Test
  void aMeshCallerIsItsSpiffeIdAndTheGatewaysForwardedUserIsBelievedOnlyFromTheGateway(@TempDir Path dir)
      throws Exception {
    MeshCa ca = MeshCa.create("test", Duration.ofDays(1), Clock.systemUTC());
    for (String service : new String[] {"config-center", "api-gateway", "scheduler"}) {
      PemFiles.write(dir.resolve(service), ca.issue(service, Duration.ofHours(1)));
    }

    assertThat(callerAs(dir, "scheduler", null)).isEqualTo("spiffe://marketprism/service/scheduler");
    assertThat(callerAs(dir, "scheduler", "root;role=admin")).isEqualTo("spiffe://marketprism/service/scheduler");
    assertThat(callerAs(dir, "api-gateway", null)).isEqualTo(GATEWAY);
    assertThat(callerAs(dir, "api-gateway", "alice;role=operator")).isEqualTo("alice;role=operator");
  }
}

package io.marketprism.controlplane;

import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import io.marketprism.controlplane.pki.MeshCa;
import io.marketprism.controlplane.pki.PemFiles;
import io.marketprism.kit.mesh.MeshTls;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MeshTls} picks up rewritten certificate files without a restart (as the launcher's rotation writes them). */
class MeshTlsRotationTest {

  @Test
  void aServerPresentsItsRotatedCertificateToNewConnections(@TempDir Path dir) throws Exception {
    MeshCa ca = MeshCa.create("test", Duration.ofDays(1), Clock.systemUTC());
    Path serverDir = dir.resolve("control-plane");
    PemFiles.write(serverDir, ca.issue("control-plane", Duration.ofHours(1)));
    PemFiles.write(dir.resolve("client"), ca.issue("data-storage", Duration.ofHours(1)));
    try (MeshTls serverTls = MeshTls.watchingDirectory(serverDir, Optional.empty());
        MeshTls clientTls = MeshTls.watchingDirectory(dir.resolve("client"), Optional.of(MeshTls.CONTROL_PLANE_ID))) {
      Server server = Grpc.newServerBuilderForPort(0, serverTls.serverCredentials())
          .addService(new HealthStatusManager().getHealthService()).build().start();
      try {
        BigInteger first = servedSerial(server.getPort(), clientTls);
        PemFiles.write(serverDir, ca.issue("control-plane", Duration.ofHours(1)));

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
            .until(() -> !servedSerial(server.getPort(), clientTls).equals(first));
      } finally {
        server.shutdownNow();
      }
    }
  }

  /** The serial of the certificate the server presents to a new connection. */
  private static BigInteger servedSerial(int port, MeshTls clientTls) throws Exception {
    ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + port, clientTls.channelCredentials()).build();
    try {
      AtomicReference<SSLSession> session = new AtomicReference<>();
      HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
          .withInterceptors(new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
              ClientCall<Q, R> call = next.newCall(method, options);
              return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                  super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                    @Override
                    public void onHeaders(Metadata responseHeaders) {
                      session.set(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
                      super.onHeaders(responseHeaders);
                    }
                  }, headers);
                }
              };
            }
          })
          .check(HealthCheckRequest.getDefaultInstance());
      return ((X509Certificate) session.get().getPeerCertificates()[0]).getSerialNumber();
    } finally {
      channel.shutdownNow();
    }
  }
}

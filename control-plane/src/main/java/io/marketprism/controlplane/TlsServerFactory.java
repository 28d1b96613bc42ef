package io.marketprism.controlplane;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.marketprism.kit.config.GrpcConfig;
import io.marketprism.kit.mesh.MeshTls;
import io.marketprism.kit.server.GrpcServerFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The control plane's gRPC port with mTLS ({@code server-tls}): every caller presents a certificate from the mesh CA;
 * {@code api.CallerIdentity} then tells the registry who it is. grpc.health.v1 is also served plaintext on
 * {@code server-tls.health-port}, for probes that hold no mesh certificate (the launcher's supervisor).
 */
final class TlsServerFactory implements GrpcServerFactory {

  private final MeshTls tls;
  private final InetSocketAddress healthAddress;

  /** {@code healthHost}/{@code healthPort}: where the plaintext health server listens (the gRPC bind host). */
  TlsServerFactory(MeshTls tls, String healthHost, int healthPort) {
    this.tls = tls;
    this.healthAddress = new InetSocketAddress(healthHost, healthPort);
  }

  @Override
  public ServerBuilder<?> newServerBuilder(String serviceName, GrpcConfig grpc) {
    return NettyServerBuilder.forAddress(new InetSocketAddress(grpc.host(), grpc.port()), tls.serverCredentials());
  }

  @Override
  public Optional<Server> startHealthServer(BindableService health) throws IOException {
    return Optional.of(NettyServerBuilder.forAddress(healthAddress)
        .addService(health)
        .build()
        .start());
  }
}

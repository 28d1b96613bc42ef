package io.marketprism.kit.server;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.marketprism.kit.config.GrpcConfig;
import java.io.IOException;
import java.util.Optional;

/**
 * Creates the builder of a service's gRPC server: the seam where transport and security are chosen.
 *
 * <p>{@link NettyServerFactory} (plaintext, bound to {@code grpc.host:grpc.port}) is the default.
 * {@link XdsServerFactory} (the mesh, {@code mesh.enabled}) returns an {@code XdsServerBuilder}, which takes its
 * listener and mTLS settings from the control plane, and starts a plaintext health port beside it. The kit adds
 * services, health, reflection, interceptors and limits to whatever builder comes back, so an implementation only
 * decides how the server listens.
 */
public interface GrpcServerFactory {

  /** A builder listening as {@code grpc} says; {@code serviceName} is for factories that need an identity. */
  ServerBuilder<?> newServerBuilder(String serviceName, GrpcConfig grpc);

  /** Builds the server from the builder {@link #newServerBuilder} returned, once the kit has configured it. */
  default Server build(ServerBuilder<?> builder) {
    return builder.build();
  }

  /** Starts the built server; a factory whose servers may wait on something outside bounds the wait here. */
  default Server start(Server server) throws IOException {
    return server.start();
  }

  /**
   * Starts a separate plaintext server for {@code health} (grpc.health.v1), for checkers that hold no certificate
   * the main port would accept. Called after the main server started; the kit stops it after the main server.
   * Default: none (health is served on the main port).
   */
  default Optional<Server> startHealthServer(BindableService health) throws IOException {
    return Optional.empty();
  }
}

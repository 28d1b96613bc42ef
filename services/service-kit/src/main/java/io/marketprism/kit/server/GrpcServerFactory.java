package io.marketprism.kit.server;

import io.grpc.ServerBuilder;
import io.marketprism.kit.config.GrpcConfig;

/**
 * Creates the builder of a service's gRPC server: the seam where transport and security are chosen.
 *
 * <p>{@link NettyServerFactory} (plaintext, bound to {@code grpc.host:grpc.port}) is today's only implementation. The
 * mesh adds one returning {@code XdsServerBuilder.forPort(port, XdsServerCredentials.create(..))}, which takes its
 * listener and mTLS settings from the control plane. The kit adds services, health, reflection, interceptors and
 * limits to whatever builder comes back, so an implementation only decides how the server listens.
 */
public interface GrpcServerFactory {

  /** A builder listening as {@code grpc} says; {@code serviceName} is for factories that need an identity. */
  ServerBuilder<?> newServerBuilder(String serviceName, GrpcConfig grpc);
}

package io.marketprism.kit.server;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * What a running service tells a registry about itself.
 *
 * @param service the service's name ({@code data-storage})
 * @param version the service's version
 * @param grpcAddress the address its gRPC server is bound to (the real port, also when 0 was configured)
 * @param metricsAddress where {@code /metrics} is served, if it is
 * @param healthAddress the separate plaintext grpc.health.v1 port, if there is one (the mesh's)
 */
public record ServiceInstance(
    String service,
    String version,
    InetSocketAddress grpcAddress,
    Optional<InetSocketAddress> metricsAddress,
    Optional<InetSocketAddress> healthAddress) {

  /** An instance whose health is served on its gRPC port. */
  public ServiceInstance(
      String service, String version, InetSocketAddress grpcAddress, Optional<InetSocketAddress> metricsAddress) {
    this(service, version, grpcAddress, metricsAddress, Optional.empty());
  }
}

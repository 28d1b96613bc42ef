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
 */
public record ServiceInstance(
    String service, String version, InetSocketAddress grpcAddress, Optional<InetSocketAddress> metricsAddress) {}

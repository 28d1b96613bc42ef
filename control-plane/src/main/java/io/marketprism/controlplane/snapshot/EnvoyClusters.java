package io.marketprism.controlplane.snapshot;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.time.Duration;

/**
 * Envoy versions of the clusters the control plane builds for gRPC clients. The policy-derived parts (EDS service
 * name, LB policy, circuit breaker, outlier detection, connect timeout) are kept as they are; what differs is what
 * Envoy needs and gRPC implies: HTTP/2 to the upstream, TLS from SDS secrets instead of certificate provider
 * instances, and no {@code lrs_server} (gRPC needs it to enforce {@code max_requests}; Envoy enforces it anyway and
 * has no use for the load reports). Stateless.
 */
final class EnvoyClusters {

  static final String HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  private EnvoyClusters() {}

  /** {@code grpcCluster} (a cluster of {@code service}) as an Envoy sidecar or gateway uses it. */
  static Cluster forEnvoy(Cluster grpcCluster, String service) {
    Cluster.Builder cluster = grpcCluster.toBuilder().clearLrsServer().clearTransportSocket();
    http2(cluster);
    if (grpcCluster.hasTransportSocket()) {
      cluster.setTransportSocket(TransportSocket.newBuilder()
          .setName(ClientResources.TLS_SOCKET)
          .setTypedConfig(Any.pack(EnvoyTls.upstream(service))));
    }
    return cluster.build();
  }

  /** A plaintext HTTP/2 cluster of one fixed address (a sidecar's own service on loopback). */
  static Cluster fixed(String name, String host, int port) {
    Cluster.Builder cluster = oneAddress(name, Cluster.DiscoveryType.STATIC, host, port);
    http2(cluster);
    return cluster.build();
  }

  /** A cluster of one address, given inline ({@code STATIC}) or resolved by name ({@code LOGICAL_DNS}). */
  static Cluster.Builder oneAddress(String name, Cluster.DiscoveryType type, String host, int port) {
    return Cluster.newBuilder()
        .setName(name)
        .setType(type)
        .setConnectTimeout(ClientResources.duration(Duration.ofSeconds(2)))
        .setLoadAssignment(ClusterLoadAssignment.newBuilder()
            .setClusterName(name)
            .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
                .setEndpoint(Endpoint.newBuilder().setAddress(address(host, port))))));
  }

  static Address address(String host, int port) {
    return Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress(host).setPortValue(port))
        .build();
  }

  private static void http2(Cluster.Builder cluster) {
    cluster.putTypedExtensionProtocolOptions(HTTP_PROTOCOL_OPTIONS, Any.pack(HttpProtocolOptions.newBuilder()
        .setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
            .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
        .build()));
  }
}

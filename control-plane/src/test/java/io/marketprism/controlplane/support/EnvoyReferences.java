package io.marketprism.controlplane.support;

import com.google.protobuf.Any;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtProvider;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Walks a set of Envoy resources and lists every name one of them refers to that none of them defines: listener →
 * route configuration (RDS), route → cluster (inline and RDS routes, weighted clusters), cluster → EDS service name,
 * TLS context → SDS secret, JWT provider → JWKS cluster, transcoder → gRPC service in its descriptor set. Written
 * apart from the control plane's own validator, so that the two check each other.
 */
public final class EnvoyReferences {

  private final Set<String> routeNames = new HashSet<>();
  private final Set<String> clusterNames = new HashSet<>();
  private final Set<String> endpointNames = new HashSet<>();
  private final Set<String> secretNames = new HashSet<>();
  private final List<String> missing = new ArrayList<>();

  /** Every dangling reference, as "what → name"; empty when every reference resolves. */
  public static List<String> dangling(
      Collection<Listener> listeners, Collection<RouteConfiguration> routes, Collection<Cluster> clusters,
      Collection<ClusterLoadAssignment> endpoints, Collection<Secret> secrets) throws InvalidProtocolBufferException {
    EnvoyReferences refs = new EnvoyReferences();
    routes.forEach(r -> refs.routeNames.add(r.getName()));
    clusters.forEach(c -> refs.clusterNames.add(c.getName()));
    endpoints.forEach(e -> refs.endpointNames.add(e.getClusterName()));
    secrets.forEach(s -> refs.secretNames.add(s.getName()));
    for (Listener listener : listeners) {
      refs.listener(listener);
    }
    for (RouteConfiguration r : routes) {
      refs.routes(r);
    }
    for (Cluster cluster : clusters) {
      refs.cluster(cluster);
    }
    return refs.missing;
  }

  private void listener(Listener listener) throws InvalidProtocolBufferException {
    for (FilterChain chain : listener.getFilterChainsList()) {
      if (chain.hasTransportSocket()) {
        tls(chain.getTransportSocket(), "listener " + listener.getName());
      }
      for (Filter filter : chain.getFiltersList()) {
        HttpConnectionManager hcm = filter.getTypedConfig().unpack(HttpConnectionManager.class);
        if (hcm.hasRds()) {
          require(routeNames, hcm.getRds().getRouteConfigName(), "listener " + listener.getName() + " → route configuration");
        } else {
          routes(hcm.getRouteConfig());
        }
        for (HttpFilter http : hcm.getHttpFiltersList()) {
          httpFilter(http.getTypedConfig(), listener.getName());
        }
      }
    }
  }

  private void httpFilter(Any config, String listener) throws InvalidProtocolBufferException {
    if (config.is(JwtAuthentication.class)) {
      for (JwtProvider provider : config.unpack(JwtAuthentication.class).getProvidersMap().values()) {
        if (provider.hasRemoteJwks()) {
          require(clusterNames, provider.getRemoteJwks().getHttpUri().getCluster(),
              "listener " + listener + " jwt_authn → JWKS cluster");
        }
      }
    } else if (config.is(GrpcJsonTranscoder.class)) {
      GrpcJsonTranscoder transcoder = config.unpack(GrpcJsonTranscoder.class);
      Set<String> described = new HashSet<>();
      for (FileDescriptorProto file : FileDescriptorSet.parseFrom(transcoder.getProtoDescriptorBin()).getFileList()) {
        file.getServiceList().forEach(s -> described.add(file.getPackage() + "." + s.getName()));
      }
      for (String service : transcoder.getServicesList()) {
        require(described, service, "listener " + listener + " transcoder → service in proto_descriptor_bin");
      }
    }
  }

  private void routes(RouteConfiguration routes) {
    for (VirtualHost host : routes.getVirtualHostsList()) {
      for (Route route : host.getRoutesList()) {
        String where = "route configuration " + routes.getName() + " → cluster";
        if (route.getRoute().hasWeightedClusters()) {
          for (WeightedCluster.ClusterWeight w : route.getRoute().getWeightedClusters().getClustersList()) {
            require(clusterNames, w.getName(), where);
          }
        } else if (route.hasRoute()) {
          require(clusterNames, route.getRoute().getCluster(), where);
        }
      }
    }
  }

  private void cluster(Cluster cluster) throws InvalidProtocolBufferException {
    if (cluster.getType() == Cluster.DiscoveryType.EDS) {
      require(endpointNames, cluster.getEdsClusterConfig().getServiceName(), "cluster " + cluster.getName() + " → EDS");
    }
    if (cluster.hasTransportSocket()) {
      tls(cluster.getTransportSocket(), "cluster " + cluster.getName());
    }
  }

  private void tls(TransportSocket socket, String where) throws InvalidProtocolBufferException {
    Any config = socket.getTypedConfig();
    CommonTlsContext common = config.is(UpstreamTlsContext.class)
        ? config.unpack(UpstreamTlsContext.class).getCommonTlsContext()
        : config.unpack(DownstreamTlsContext.class).getCommonTlsContext();
    common.getTlsCertificateSdsSecretConfigsList().forEach(s -> require(secretNames, s.getName(), where + " → SDS secret"));
    if (common.hasCombinedValidationContext()) {
      require(secretNames, common.getCombinedValidationContext().getValidationContextSdsSecretConfig().getName(),
          where + " → SDS secret");
    }
  }

  private void require(Set<String> defined, String name, String what) {
    if (!defined.contains(name)) {
      missing.add(what + " " + name);
    }
  }
}

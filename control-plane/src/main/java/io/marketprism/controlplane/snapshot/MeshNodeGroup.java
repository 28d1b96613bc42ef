package io.marketprism.controlplane.snapshot;

import io.envoyproxy.controlplane.cache.NodeGroup;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.Optional;

/**
 * Groups nodes by the mesh service they run: {@code node.cluster} (set by the kit's bootstrap, and by Envoy's
 * {@code --service-cluster}). Instances of one service share a snapshot; nodes that name no valid service share
 * {@link MeshNames#CLIENTS_GROUP}. Envoy nodes ({@link EnvoyNode}) get groups of their own, {@code sidecar|<service>}
 * and {@code gateway|<name>}, since they need different resources than proxyless gRPC nodes of the same service.
 * Stateless.
 */
public final class MeshNodeGroup implements NodeGroup<String> {

  @Override
  public String hash(Node node) {
    return groupOf(node);
  }

  public static String groupOf(Node node) {
    Optional<EnvoyNode> envoy = EnvoyNode.of(node);
    if (envoy.isPresent()) {
      return envoy.get().group();
    }
    String cluster = node == null ? "" : node.getCluster();
    return MeshNames.isServiceName(cluster) ? cluster : MeshNames.CLIENTS_GROUP;
  }
}

package io.marketprism.controlplane.snapshot;

import io.envoyproxy.controlplane.cache.NodeGroup;
import io.envoyproxy.envoy.config.core.v3.Node;

/**
 * Groups nodes by the mesh service they run: {@code node.cluster} (set by the kit's bootstrap, and by Envoy's
 * {@code --service-cluster}). Instances of one service share a snapshot; nodes that name no valid service share
 * {@link MeshNames#CLIENTS_GROUP}. Stateless.
 */
public final class MeshNodeGroup implements NodeGroup<String> {

  @Override
  public String hash(Node node) {
    return groupOf(node);
  }

  public static String groupOf(Node node) {
    String cluster = node == null ? "" : node.getCluster();
    return MeshNames.isServiceName(cluster) ? cluster : MeshNames.CLIENTS_GROUP;
  }
}

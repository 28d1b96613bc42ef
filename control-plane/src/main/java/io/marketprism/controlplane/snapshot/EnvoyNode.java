package io.marketprism.controlplane.snapshot;

import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.Optional;

/**
 * How the control plane tells an Envoy node from a proxyless gRPC node, and which Envoy configuration it gets.
 *
 * <p>The convention: an Envoy node sets the node metadata key {@value #ROLE_KEY} to {@code sidecar} or
 * {@code gateway}, and {@code node.cluster} (Envoy's {@code --service-cluster}) to a name of the mesh's form
 * ({@code [a-z][a-z0-9-]*}): for a sidecar, the service it fronts (its identity is that service's SPIFFE id); for a
 * gateway, the gateway's name. A node without that key, or with an unknown role or an invalid name, is a proxyless gRPC
 * node. Envoy nodes get their own node groups, {@code sidecar|<service>} and {@code gateway|<name>}; {@code |} never
 * occurs in a service name, so these never collide with a proxyless group.
 *
 * @param role what the Envoy does
 * @param name the service a sidecar fronts, or the gateway's name
 */
public record EnvoyNode(Role role, String name) {

  /** The node metadata key that marks an Envoy node. */
  public static final String ROLE_KEY = "marketprism.proxy";

  public enum Role {
    /** Next to one service instance: inbound mTLS listener, outbound listeners to the services it calls. */
    SIDECAR("sidecar"),
    /** At the mesh's edge: REST/JSON and gRPC from users, JWT, rate limit, CORS, routes to the services. */
    GATEWAY("gateway");

    private final String label;

    Role(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    static Optional<Role> ofLabel(String label) {
      for (Role r : values()) {
        if (r.label.equals(label)) {
          return Optional.of(r);
        }
      }
      return Optional.empty();
    }
  }

  /** The Envoy node {@code node} declares itself to be, if it is one. */
  public static Optional<EnvoyNode> of(Node node) {
    if (node == null) {
      return Optional.empty();
    }
    Value role = node.getMetadata().getFieldsMap().get(ROLE_KEY);
    if (role == null
        || role.getKindCase() != Value.KindCase.STRING_VALUE
        || !MeshNames.isServiceName(node.getCluster())) {
      return Optional.empty();
    }
    return Role.ofLabel(role.getStringValue()).map(r -> new EnvoyNode(r, node.getCluster()));
  }

  /** The node group of an Envoy node. */
  public String group() {
    return role.label + "|" + name;
  }

  /** The Envoy node a group key stands for, if it is an Envoy group. */
  public static Optional<EnvoyNode> ofGroup(String group) {
    int bar = group.indexOf('|');
    if (bar < 0 || !MeshNames.isServiceName(group.substring(bar + 1))) {
      return Optional.empty();
    }
    return Role.ofLabel(group.substring(0, bar)).map(r -> new EnvoyNode(r, group.substring(bar + 1)));
  }
}

package io.marketprism.controlplane.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.envoyproxy.envoy.admin.v3.ClientResourceStatus;
import io.envoyproxy.envoy.admin.v3.UpdateFailureState;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.status.v3.ClientConfig;
import io.envoyproxy.envoy.service.status.v3.ClientStatusDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.status.v3.ClientStatusRequest;
import io.envoyproxy.envoy.service.status.v3.ClientStatusResponse;
import io.grpc.stub.StreamObserver;

/**
 * CSDS on the control plane: for every connected node, each resource it was last sent, at which version, and
 * whether the node ACKed or NACKed that version (with the error). Node matchers in the request are not supported:
 * every node is listed. Thread-safe (reads {@link NodeTracker}).
 */
public final class CsdsService extends ClientStatusDiscoveryServiceGrpc.ClientStatusDiscoveryServiceImplBase {

  private final NodeTracker tracker;

  public CsdsService(NodeTracker tracker) {
    this.tracker = tracker;
  }

  @Override
  public void fetchClientStatus(ClientStatusRequest request, StreamObserver<ClientStatusResponse> response) {
    response.onNext(status());
    response.onCompleted();
  }

  @Override
  public StreamObserver<ClientStatusRequest> streamClientStatus(StreamObserver<ClientStatusResponse> response) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ClientStatusRequest value) {
        response.onNext(status());
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        response.onCompleted();
      }
    };
  }

  ClientStatusResponse status() {
    ClientStatusResponse.Builder out = ClientStatusResponse.newBuilder();
    for (NodeTracker.NodeStatus node : tracker.nodes()) {
      ClientConfig.Builder config = ClientConfig.newBuilder().setNode(node.node());
      for (NodeTracker.TypeStatus type : node.types()) {
        boolean nacked = type.nackError().isPresent();
        boolean acked = !type.sentVersion().isEmpty() && type.sentVersion().equals(type.ackedVersion());
        ClientResourceStatus status = nacked ? ClientResourceStatus.NACKED : acked ? ClientResourceStatus.ACKED : ClientResourceStatus.REQUESTED;
        Timestamp updated = Timestamp.newBuilder().setSeconds(type.lastUpdate().getEpochSecond()).setNanos(type.lastUpdate().getNano()).build();
        for (Any resource : type.sentResources()) {
          ClientConfig.GenericXdsConfig.Builder generic = ClientConfig.GenericXdsConfig.newBuilder()
              .setTypeUrl(type.typeUrl())
              .setName(nameOf(resource))
              .setVersionInfo(type.sentVersion())
              .setXdsConfig(resource)
              .setLastUpdated(updated)
              .setClientStatus(status);
          type.nackError().ifPresent(e -> generic.setErrorState(UpdateFailureState.newBuilder()
              .setDetails(e).setVersionInfo(type.sentVersion())));
          config.addGenericXdsConfigs(generic);
        }
      }
      out.addConfig(config);
    }
    return out.build();
  }

  static String nameOf(Any resource) {
    try {
      return switch (resource.getTypeUrl().substring(resource.getTypeUrl().indexOf('/') + 1)) {
        case "envoy.config.listener.v3.Listener" -> resource.unpack(Listener.class).getName();
        case "envoy.config.route.v3.RouteConfiguration" -> resource.unpack(RouteConfiguration.class).getName();
        case "envoy.config.cluster.v3.Cluster" -> resource.unpack(Cluster.class).getName();
        case "envoy.config.endpoint.v3.ClusterLoadAssignment" -> resource.unpack(ClusterLoadAssignment.class).getClusterName();
        default -> "";
      };
    } catch (InvalidProtocolBufferException e) {
      return "";
    }
  }

}

package io.marketprism.controlplane.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Gives every request of an ADS stream the node its first request named. The xDS protocol lets a client send its node
 * only once per stream, and gRPC for Node does (so does Envoy with {@code set_node_on_first_message_only}); but
 * java-control-plane's cache picks the node group from each request, so a later request without a node would land in
 * another group's snapshot — one that may not hold the names asked for, and then is never answered (grpc-js waited
 * forever for its RouteConfiguration). Calls to one listener are serialized by gRPC, so the field needs no lock.
 */
public final class StreamNodeInterceptor implements ServerInterceptor {

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
      private Node node;

      @Override
      @SuppressWarnings("unchecked") // a DiscoveryRequest is replaced by a DiscoveryRequest
      public void onMessage(Q message) {
        if (message instanceof DiscoveryRequest request) {
          if (request.hasNode()) {
            node = request.getNode();
          } else if (node != null) {
            super.onMessage((Q) request.toBuilder().setNode(node).build());
            return;
          }
        }
        super.onMessage(message);
      }
    };
  }
}

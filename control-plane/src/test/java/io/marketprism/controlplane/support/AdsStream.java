package io.marketprism.controlplane.support;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One ADS stream over a real connection, driven the way Envoy drives it: state-of-the-world requests per type, each
 * response ACKed (or NACKed) with its version and nonce.
 */
public final class AdsStream implements AutoCloseable {

  private final ManagedChannel channel;
  private final StreamObserver<DiscoveryRequest> requests;
  private final LinkedBlockingQueue<Object> responses = new LinkedBlockingQueue<>();
  private final Node node;

  public AdsStream(int port, Node node) {
    this.node = node;
    channel = Grpc.newChannelBuilder("127.0.0.1:" + port, InsecureChannelCredentials.create()).build();
    requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new StreamObserver<>() {
      @Override
      public void onNext(DiscoveryResponse response) {
        responses.add(response);
      }

      @Override
      public void onError(Throwable t) {
        responses.add(t);
      }

      @Override
      public void onCompleted() {}
    });
  }

  /** Asks for {@code names} of {@code typeUrl} (none: every resource of the type) and waits for the answer. */
  public DiscoveryResponse request(String typeUrl, List<String> names) throws InterruptedException {
    requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(typeUrl).addAllResourceNames(names).build());
    return next(typeUrl);
  }

  /**
   * As {@link #request}, without the node: the protocol lets a client name it only in a stream's first request, as
   * gRPC for Node does.
   */
  public DiscoveryResponse requestWithoutNode(String typeUrl, List<String> names) throws InterruptedException {
    requests.onNext(DiscoveryRequest.newBuilder().setTypeUrl(typeUrl).addAllResourceNames(names).build());
    return next(typeUrl);
  }

  /** Accepts {@code response} (keeping the names asked for). */
  public void ack(DiscoveryResponse response, List<String> names) {
    requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(response.getTypeUrl())
        .addAllResourceNames(names).setVersionInfo(response.getVersionInfo()).setResponseNonce(response.getNonce())
        .build());
  }

  /** The next response of {@code typeUrl}, skipping others. */
  public DiscoveryResponse next(String typeUrl) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      Object next = responses.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (next == null) {
        throw new AssertionError("no " + typeUrl + " response within 30s");
      }
      if (next instanceof Throwable t) {
        throw new AssertionError("the ADS stream failed", t);
      }
      DiscoveryResponse response = (DiscoveryResponse) next;
      if (response.getTypeUrl().equals(typeUrl)) {
        return response;
      }
    }
  }

  @Override
  public void close() {
    requests.onCompleted();
    channel.shutdownNow();
  }
}

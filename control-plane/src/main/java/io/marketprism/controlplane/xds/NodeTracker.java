package io.marketprism.controlplane.xds;

import com.google.protobuf.Any;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.marketprism.controlplane.snapshot.MeshNodeGroup;
import io.marketprism.controlplane.snapshot.RequestedNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every ADS stream: which node it is, what it asked for, what it was sent, and whether it ACKed or NACKed
 * each type. A NACK is logged (node, type, rejected version, error) and counted; the node keeps its last accepted
 * configuration. Listener names a node asks for are recorded in {@link RequestedNames}, so the next snapshot answers
 * them. The admin endpoint and CSDS read {@link #nodes()}.
 *
 * <p>Thread-safe: streams live in a concurrent map; each stream's state is guarded by the stream object.
 */
public final class NodeTracker implements DiscoveryServerCallbacks {

  private static final Logger log = LoggerFactory.getLogger(NodeTracker.class);

  private final RequestedNames requested;
  private final Map<Long, Stream> streams = new ConcurrentHashMap<>();
  private final AtomicLong nacks = new AtomicLong();
  private final AtomicLong acks = new AtomicLong();
  /** NACKed version by node id, type and nonce, until {@link NackAwareConfigWatcher} takes it (right after). */
  private final Map<String, String> rejectedVersions = new ConcurrentHashMap<>();

  public NodeTracker(RequestedNames requested) {
    this.requested = requested;
  }

  /** What one node was sent for one type, and what it answered. */
  public record TypeStatus(
      String typeUrl, List<String> requestedNames, String sentVersion, List<Any> sentResources, String ackedVersion,
      Optional<String> nackError, long nackCount, Instant lastUpdate) {}

  /** One connected node (one ADS stream). */
  public record NodeStatus(long streamId, Node node, String group, Instant connectedAt, List<TypeStatus> types) {}

  private static final class Stream {
    final Instant connectedAt = Instant.now();
    Node node = Node.getDefaultInstance();
    String group = "";
    final Map<String, Mutable> types = new TreeMap<>();
  }

  private static final class Mutable {
    List<String> requestedNames = List.of();
    String sentVersion = "";
    String sentNonce = "";
    List<Any> sentResources = List.of();
    String ackedVersion = "";
    Optional<String> nackError = Optional.empty();
    long nackCount;
    Instant lastUpdate = Instant.now();
  }

  @Override
  public void onStreamOpen(long streamId, String typeUrl) {
    streams.put(streamId, new Stream());
  }

  @Override
  public void onStreamClose(long streamId, String typeUrl) {
    streams.remove(streamId);
  }

  @Override
  public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    Stream stream = streams.remove(streamId);
    if (stream != null) {
      log.debug("xDS stream {} of {} ended: {}", streamId, stream.node.getId(), error.toString());
    }
  }

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
    Stream stream = streams.computeIfAbsent(streamId, id -> new Stream());
    String type = request.getTypeUrl();
    synchronized (stream) {
      if (request.hasNode()) {
        stream.node = request.getNode();
        stream.group = MeshNodeGroup.groupOf(request.getNode());
      }
      Mutable status = stream.types.computeIfAbsent(type, t -> new Mutable());
      status.requestedNames = List.copyOf(request.getResourceNamesList());
      status.lastUpdate = Instant.now();
      if (request.hasErrorDetail()) {
        status.nackError = Optional.of(request.getErrorDetail().getMessage());
        status.nackCount++;
        nacks.incrementAndGet();
        if (request.getResponseNonce().equals(status.sentNonce)) {
          rejectedVersions.put(rejectionKey(request), status.sentVersion);
        }
        log.atWarn()
            .addKeyValue("node_id", stream.node.getId())
            .addKeyValue("xds_type", type)
            .addKeyValue("rejected_version", status.sentVersion)
            .log("node {} NACKed {} version {} (keeps version {}): {}", stream.node.getId(), shortType(type),
                status.sentVersion, request.getVersionInfo(), request.getErrorDetail().getMessage());
      } else if (!request.getResponseNonce().isEmpty()) {
        status.ackedVersion = request.getVersionInfo();
        status.nackError = Optional.empty();
        acks.incrementAndGet();
      }
    }
    if (type.equals(Resources.V3.LISTENER_TYPE_URL)) {
      requested.add(stream.group, request.getResourceNamesList());
    } else {
      requested.addGroup(stream.group);
    }
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
    // Delta xDS is served by the same cache; its streams are not tracked here.
  }

  @Override
  public void onV3StreamResponse(long streamId, DiscoveryRequest request, DiscoveryResponse response) {
    Stream stream = streams.get(streamId);
    if (stream == null) {
      return;
    }
    synchronized (stream) {
      Mutable status = stream.types.computeIfAbsent(response.getTypeUrl(), t -> new Mutable());
      status.sentVersion = response.getVersionInfo();
      status.sentNonce = response.getNonce();
      status.sentResources = List.copyOf(response.getResourcesList());
      status.lastUpdate = Instant.now();
    }
  }

  /** Every connected node, ordered by node id. */
  public List<NodeStatus> nodes() {
    List<NodeStatus> out = new ArrayList<>();
    streams.forEach((id, stream) -> {
      synchronized (stream) {
        List<TypeStatus> types = new ArrayList<>();
        stream.types.forEach((type, s) -> types.add(new TypeStatus(type, s.requestedNames, s.sentVersion,
            s.sentResources, s.ackedVersion, s.nackError, s.nackCount, s.lastUpdate)));
        out.add(new NodeStatus(id, stream.node, stream.group, stream.connectedAt, types));
      }
    });
    out.sort(Comparator.comparing((NodeStatus n) -> n.node().getId()).thenComparing(NodeStatus::streamId));
    return out;
  }

  /**
   * The version {@code nack} rejected, if this tracker saw it sent; each NACK's answer is taken once. Called by the
   * config watcher after this tracker's request callback, on the same request.
   */
  Optional<String> takeRejectedVersion(DiscoveryRequest nack) {
    return Optional.ofNullable(rejectedVersions.remove(rejectionKey(nack)));
  }

  private static String rejectionKey(DiscoveryRequest request) {
    return request.getNode().getId() + '\n' + request.getTypeUrl() + '\n' + request.getResponseNonce();
  }

  public long nackCount() {
    return nacks.get();
  }

  public long ackCount() {
    return acks.get();
  }

  static String shortType(String typeUrl) {
    return typeUrl.substring(typeUrl.lastIndexOf('.') + 1);
  }
}

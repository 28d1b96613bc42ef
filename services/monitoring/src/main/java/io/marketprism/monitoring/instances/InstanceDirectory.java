package io.marketprism.monitoring.instances;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.marketprism.kit.server.ControlPlaneRegistration;
import io.marketprism.monitoring.v1.Health;
import io.marketprism.monitoring.v1.Instance;
import io.marketprism.registry.v1.InstanceEvent;
import io.marketprism.registry.v1.InstanceEventType;
import io.marketprism.registry.v1.RegistryServiceGrpc;
import io.marketprism.registry.v1.WatchInstancesRequest;
import io.marketprism.registry.v1.WatchInstancesResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh's instances as the control plane's registry sees them, kept current by one {@code WatchInstances} stream
 * (reopened with backoff when it breaks: the control plane restarts too). The registry's own health checks decide an
 * instance's state; this maps it to the monitoring contract's {@link Health}.
 *
 * <p>Thread-safe: a concurrent sorted map replaced entry by entry from the stream's callbacks.
 */
public final class InstanceDirectory implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(InstanceDirectory.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  /** A registered instance and where its metrics are scraped, if it says. */
  public record Entry(io.marketprism.registry.v1.Instance registered, Optional<String> metricsAddress) {}

  private final Optional<Channel> controlPlane;
  private final Map<String, Entry> byKey = new ConcurrentSkipListMap<>();
  private final ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "registry-watch");
    t.setDaemon(true);
    return t;
  });
  private volatile Context.CancellableContext watch;
  private volatile boolean closed;
  private volatile boolean synced;
  private volatile int failures;

  /** @param controlPlane the registry's channel; empty outside the mesh without {@code peers.control-plane} */
  public InstanceDirectory(Optional<Channel> controlPlane) {
    this.controlPlane = controlPlane;
  }

  public void start() {
    retry.execute(this::open);
  }

  /** True once the first complete snapshot arrived. */
  public boolean synced() {
    return synced;
  }

  /** Every instance, ordered by (service, instance id). */
  public List<Entry> entries() {
    return new ArrayList<>(byKey.values());
  }

  /** The instances in the monitoring contract's shape, filtered, ordered by (service, instance id). */
  public List<Instance> list(String service, Health health) {
    List<Instance> out = new ArrayList<>();
    for (Entry entry : byKey.values()) {
      Instance instance = toInstance(entry.registered());
      if ((service.isEmpty() || instance.getService().equals(service))
          && (health == Health.HEALTH_UNSPECIFIED || instance.getHealth() == health)) {
        out.add(instance);
      }
    }
    out.sort(Comparator.comparing(Instance::getService).thenComparing(Instance::getInstanceId));
    return out;
  }

  static Instance toInstance(io.marketprism.registry.v1.Instance registered) {
    Instance.Builder instance = Instance.newBuilder()
        .setService(registered.getService())
        .setInstanceId(registered.getInstanceId())
        .setAddress(registered.getAddress())
        .setHealth(health(registered.getState()))
        .setVersion(registered.getVersion())
        .setZone(registered.getZone());
    if (registered.hasRegisterTime()) {
      instance.setStartTime(registered.getRegisterTime());
    }
    Timestamp lastSeen = latest(registered.getLastHeartbeatTime(), registered.getLastHealthCheckTime());
    if (Timestamps.toNanos(lastSeen) > 0) {
      instance.setLastSeen(lastSeen);
    }
    return instance.build();
  }

  /**
   * The registry's states in monitoring's terms: SERVING passes its checks; DRAINING answers NOT_SERVING by design;
   * UNHEALTHY failed its checks (no answer, or NOT_SERVING) the registry's threshold of times; STARTING is unchecked.
   */
  public static Health health(io.marketprism.registry.v1.InstanceState state) {
    return switch (state) {
      case INSTANCE_STATE_SERVING -> Health.HEALTH_SERVING;
      case INSTANCE_STATE_DRAINING -> Health.HEALTH_NOT_SERVING;
      case INSTANCE_STATE_UNHEALTHY -> Health.HEALTH_UNREACHABLE;
      default -> Health.HEALTH_UNSPECIFIED;
    };
  }

  private static Timestamp latest(Timestamp a, Timestamp b) {
    return Timestamps.compare(a, b) >= 0 ? a : b;
  }

  private void open() {
    if (closed || controlPlane.isEmpty()) {
      return;
    }
    Context.CancellableContext context = Context.current().withCancellation();
    watch = context;
    context.run(() -> RegistryServiceGrpc.newStub(controlPlane.get()).watchInstances(
        WatchInstancesRequest.getDefaultInstance(), new Watcher()));
  }

  private final class Watcher implements StreamObserver<WatchInstancesResponse> {
    // a reconnect's snapshot replaces everything seen before: instances removed while disconnected must go
    private final Map<String, Entry> snapshot = new ConcurrentSkipListMap<>();
    private boolean inSnapshot = true;

    @Override
    public void onNext(WatchInstancesResponse response) {
      for (InstanceEvent event : response.getEventsList()) {
        Map<String, Entry> target = inSnapshot ? snapshot : byKey;
        io.marketprism.registry.v1.Instance instance = event.getInstance();
        String key = instance.getService() + "/" + instance.getInstanceId();
        if (event.getType() == InstanceEventType.INSTANCE_EVENT_TYPE_REMOVED) {
          target.remove(key);
        } else {
          target.put(key, new Entry(instance, metricsAddress(instance)));
        }
      }
      if (inSnapshot && response.getSnapshotComplete()) {
        inSnapshot = false;
        byKey.keySet().retainAll(snapshot.keySet());
        byKey.putAll(snapshot);
        synced = true;
        failures = 0;
        log.info("registry watch: {} instances", byKey.size());
      }
    }

    @Override
    public void onError(Throwable t) {
      reopen("failed: " + t.getMessage());
    }

    @Override
    public void onCompleted() {
      reopen("ended");
    }
  }

  private void reopen(String why) {
    if (closed) {
      return;
    }
    long delay = Math.min(MAX_BACKOFF.toMillis(), 250L << Math.min(failures++, 6));
    log.warn("registry watch {}; reopening in {} ms", why, delay);
    retry.schedule(this::open, delay, TimeUnit.MILLISECONDS);
  }

  private static Optional<String> metricsAddress(io.marketprism.registry.v1.Instance instance) {
    String port = instance.getMetadataMap().get(ControlPlaneRegistration.METRICS_PORT_METADATA);
    if (port == null || !port.matches("[0-9]{1,5}")) {
      return Optional.empty();
    }
    String host = instance.getAddress().getHost();
    return Optional.of((host.contains(":") ? "[" + host + "]" : host) + ":" + port);
  }

  @Override
  public void close() {
    closed = true;
    Context.CancellableContext context = watch;
    if (context != null) {
      context.cancel(null);
    }
    retry.shutdownNow();
  }
}

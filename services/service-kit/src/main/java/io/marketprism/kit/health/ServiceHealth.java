package io.marketprism.kit.health;

import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process's {@code grpc.health.v1} status: overall ({@code ""}) and per gRPC service name.
 *
 * <p>The kit sets everything {@code NOT_SERVING} until the server has started, {@code SERVING} once it is ready, and
 * {@code NOT_SERVING} for good when shutdown begins. A service may flip its own entries in between, e.g. data-storage
 * reporting {@code NOT_SERVING} while ClickHouse is unreachable; once draining has begun such changes are ignored.
 *
 * <p>Thread-safe: writes are serialized on this object so the mirror and the gRPC service never disagree; reads are
 * lock-free.
 */
public final class ServiceHealth {

  /** The name that stands for the whole server; the launcher polls it. */
  public static final String OVERALL = HealthStatusManager.SERVICE_NAME_ALL_SERVICES;

  private final HealthStatusManager manager = new HealthStatusManager();

  // HealthStatusManager cannot be read back; this mirror answers status() for HTTP health endpoints.
  private final Map<String, ServingStatus> statuses = new ConcurrentHashMap<>();

  private volatile boolean draining;

  public ServiceHealth() {
    // HealthStatusManager starts with "" SERVING; nothing is ready until the kit says so.
    set(OVERALL, ServingStatus.NOT_SERVING);
  }

  /** Sets one gRPC service's status ({@code "marketprism.storage.v1.StorageService"}), or the overall one. */
  public synchronized void set(String grpcServiceName, ServingStatus status) {
    if (draining) {
      return;
    }
    manager.setStatus(grpcServiceName, status);
    statuses.put(grpcServiceName, status);
  }

  /** Marks the overall status and each named service {@code SERVING}. */
  public void markServing(Collection<String> grpcServiceNames) {
    for (String name : grpcServiceNames) {
      set(name, ServingStatus.SERVING);
    }
    set(OVERALL, ServingStatus.SERVING);
  }

  /** Everything {@code NOT_SERVING} from now on; later {@link #set} calls are ignored. */
  public synchronized void drain() {
    draining = true;
    manager.enterTerminalState();
    statuses.replaceAll((name, status) -> ServingStatus.NOT_SERVING);
  }

  /**
   * True once shutdown has begun. Long-lived streams poll it to end themselves with {@code UNAVAILABLE} at the start
   * of the drain, instead of holding the server until {@code grpc.shutdown-grace} runs out.
   */
  public boolean draining() {
    return draining;
  }

  /** The current status of a gRPC service name (or {@link #OVERALL}); {@code SERVICE_UNKNOWN} if never set. */
  public ServingStatus status(String grpcServiceName) {
    return statuses.getOrDefault(grpcServiceName, ServingStatus.SERVICE_UNKNOWN);
  }

  /** The {@code grpc.health.v1.Health} service to add to a server. */
  public BindableService service() {
    return manager.getHealthService();
  }
}

package io.marketprism.kit.health;

import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.Collection;

/**
 * The process's {@code grpc.health.v1} status: overall ({@code ""}) and per gRPC service name.
 *
 * <p>The kit sets everything {@code NOT_SERVING} until the server has started, {@code SERVING} once it is ready, and
 * {@code NOT_SERVING} for good when shutdown begins. A service may flip its own entries in between, e.g. data-storage
 * reporting {@code NOT_SERVING} while ClickHouse is unreachable; once draining has begun such changes are ignored.
 *
 * <p>Thread-safe (grpc-java's {@link HealthStatusManager} is).
 */
public final class ServiceHealth {

  /** The name that stands for the whole server; the launcher polls it. */
  public static final String OVERALL = HealthStatusManager.SERVICE_NAME_ALL_SERVICES;

  private final HealthStatusManager manager = new HealthStatusManager();

  public ServiceHealth() {
    // HealthStatusManager starts with "" SERVING; nothing is ready until the kit says so.
    manager.setStatus(OVERALL, ServingStatus.NOT_SERVING);
  }

  /** Sets one gRPC service's status ({@code "marketprism.storage.v1.StorageService"}), or the overall one. */
  public void set(String grpcServiceName, ServingStatus status) {
    manager.setStatus(grpcServiceName, status);
  }

  /** Marks the overall status and each named service {@code SERVING}. */
  public void markServing(Collection<String> grpcServiceNames) {
    for (String name : grpcServiceNames) {
      manager.setStatus(name, ServingStatus.SERVING);
    }
    manager.setStatus(OVERALL, ServingStatus.SERVING);
  }

  /** Everything {@code NOT_SERVING} from now on; later {@link #set} calls are ignored. */
  public void drain() {
    manager.enterTerminalState();
  }

  /** The {@code grpc.health.v1.Health} service to add to a server. */
  public BindableService service() {
    return manager.getHealthService();
  }
}

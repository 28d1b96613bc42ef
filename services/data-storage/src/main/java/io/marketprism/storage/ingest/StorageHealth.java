package io.marketprism.storage.ingest;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.marketprism.kit.health.ServiceHealth;
import io.marketprism.storage.clickhouse.ClickHouse;
import io.marketprism.storage.v1.StorageServiceGrpc;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether ClickHouse is usable, reflected in the process's gRPC health: {@code NOT_SERVING} while it is not. Fed by
 * the ingest (every insert's outcome) and by a ping every second, so an idle service notices too. Thread-safe: the
 * state is one atomic flag; health changes go through the kit's thread-safe {@link ServiceHealth}.
 */
public final class StorageHealth implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StorageHealth.class);

  private final ServiceHealth health;
  private final ClickHouse clickHouse;
  private final AtomicBoolean available = new AtomicBoolean(true);
  private final ScheduledExecutorService pinger =
      Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "clickhouse-health");
        thread.setDaemon(true);
        return thread;
      });

  public StorageHealth(ServiceHealth health, ClickHouse clickHouse) {
    this.health = health;
    this.clickHouse = clickHouse;
  }

  /** Starts pinging ClickHouse every second. */
  public void start() {
    pinger.scheduleWithFixedDelay(
        () -> {
          if (clickHouse.isReachable()) {
            reportAvailable();
          } else {
            reportUnavailable("ping failed");
          }
        },
        1, 1, TimeUnit.SECONDS);
  }

  public boolean isAvailable() {
    return available.get();
  }

  /** An insert or ping succeeded. */
  public void reportAvailable() {
    if (available.compareAndSet(false, true)) {
      log.info("ClickHouse is back: SERVING");
      set(ServingStatus.SERVING);
    }
  }

  /** An insert or ping failed. */
  public void reportUnavailable(String reason) {
    if (available.compareAndSet(true, false)) {
      log.warn("ClickHouse unavailable ({}): NOT_SERVING until it returns", reason);
      set(ServingStatus.NOT_SERVING);
    }
  }

  private void set(ServingStatus status) {
    health.set(ServiceHealth.OVERALL, status);
    health.set(StorageServiceGrpc.SERVICE_NAME, status);
  }

  @Override
  public void close() {
    pinger.shutdownNow();
  }
}

package io.marketprism.broker.nats;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.marketprism.kit.health.ServiceHealth;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.NatsConfig;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the broker's health in step with its NATS connection: {@code NOT_SERVING} (overall and for the broker's gRPC
 * services) from the moment the connection is lost until it is back and the default streams are ensured again.
 *
 * <p>Thread-safe: connection events are handed to one worker thread, so they are handled in order and the jnats
 * callback thread never waits on a JetStream request.
 */
public final class NatsHealth implements ConnectionListener, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NatsHealth.class);

  private final Connection connection;
  private final ServiceHealth health;
  private final List<String> grpcServices;
  private final NatsConfig.Streams streams;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "broker-nats-health");
            thread.setDaemon(true);
            return thread;
          });

  private NatsHealth(
      Connection connection, ServiceHealth health, List<String> grpcServices, NatsConfig.Streams streams) {
    this.connection = connection;
    this.health = health;
    this.grpcServices = grpcServices;
    this.streams = streams;
  }

  /** Starts watching {@code connection}; close to stop. */
  public static NatsHealth watch(
      Connection connection, ServiceHealth health, List<String> grpcServices, NatsConfig.Streams streams) {
    NatsHealth watcher = new NatsHealth(connection, health, grpcServices, streams);
    connection.addConnectionListener(watcher);
    return watcher;
  }

  @Override
  public void connectionEvent(Connection conn, Events type) {
    switch (type) {
      case DISCONNECTED, CLOSED -> worker.execute(() -> set(ServingStatus.NOT_SERVING));
      case RECONNECTED, CONNECTED -> worker.execute(this::recover);
      default -> {}
    }
  }

  private void recover() {
    try {
      DefaultStreams.ensure(connection, streams);
      set(ServingStatus.SERVING);
    } catch (Exception e) {
      log.warn("NATS is back but the default streams could not be ensured; staying NOT_SERVING", e);
    }
  }

  private void set(ServingStatus status) {
    // The connection may have changed again since this event was queued: report what is true now.
    boolean connected = connection.getStatus() == Connection.Status.CONNECTED;
    ServingStatus actual = connected ? status : ServingStatus.NOT_SERVING;
    health.set(ServiceHealth.OVERALL, actual);
    grpcServices.forEach(service -> health.set(service, actual));
    log.info("health {} (NATS connection {})", actual, connection.getStatus());
  }

  @Override
  public void close() throws InterruptedException {
    connection.removeConnectionListener(this);
    worker.shutdownNow();
    worker.awaitTermination(5, TimeUnit.SECONDS);
  }
}

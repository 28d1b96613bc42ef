package io.marketprism.messaging;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the process's one NATS {@link Connection} from a {@link NatsConfig}. Reconnects follow the config (forever
 * by default), to any of the configured servers and to members the cluster announces; every connection event is logged and counted in {@code marketprism_nats_connection_events_total{event}}
 * so that an unstable link shows up in metrics, not only in logs.
 *
 * <p>Call once per process and share the connection: JetStream contexts made from it are cheap views.
 */
public final class NatsConnections {

  private static final Logger log = LoggerFactory.getLogger(NatsConnections.class);

  private NatsConnections() {}

  /**
   * Connects, waiting up to the config's connection timeout for the first connection.
   *
   * @param defaultName the connection name when the config has none (the service's name)
   * @param metrics where to register the connection-event counter (once per registry)
   * @throws IOException if the server cannot be reached
   */
  public static Connection connect(NatsConfig config, String defaultName, PrometheusRegistry metrics)
      throws IOException, InterruptedException {
    Counter events =
        Counter.builder()
            .name("marketprism_nats_connection_events_total")
            .help("NATS connection events (disconnected, reconnected, closed, ...)")
            .labelNames("event")
            .register(metrics);
    String name = config.connectionName().isBlank() ? defaultName : config.connectionName();
    ConnectionListener listener =
        (connection, type) -> {
          events.labelValues(type.name().toLowerCase(Locale.ROOT)).inc();
          switch (type) {
            case DISCONNECTED -> log.warn("NATS connection {} lost; reconnecting", name);
            case RECONNECTED -> log.info("NATS connection {} re-established to {}", name, connection.getConnectedUrl());
            case CLOSED -> log.info("NATS connection {} closed", name);
            default -> log.debug("NATS connection {}: {}", name, type);
          }
        };
    Options options =
        Options.builder()
            .servers(config.servers())
            .connectionName(name)
            .maxReconnects(config.maxReconnects())
            .reconnectWait(config.reconnectWait())
            .connectionTimeout(config.connectionTimeout())
            .reconnectBufferSize(config.reconnectBufferBytes())
            .connectionListener(listener)
            .build();
    Connection connection = Nats.connect(options);
    log.info("connected to NATS at {} as {}", connection.getConnectedUrl(), name);
    return connection;
  }
}

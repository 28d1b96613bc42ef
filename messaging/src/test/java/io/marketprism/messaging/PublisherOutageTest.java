package io.marketprism.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.supervisor.Binaries;
import io.marketprism.supervisor.FreePorts;
import io.marketprism.supervisor.NatsServerProcess;
import io.nats.client.Connection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NATS goes away while the publisher has work: a server of its own, so that stopping it disturbs no other test. */
class PublisherOutageTest {

  @TempDir Path directory;
  NatsServerProcess server;
  Connection connection;
  NatsConfig config;
  PrometheusRegistry connectionMetrics = new PrometheusRegistry();

  @BeforeEach
  void startServer() throws Exception {
    List<Integer> ports = FreePorts.allocate(2);
    server =
        NatsServerProcess.builder(directory)
            .binary(Binaries.require("nats-server"))
            .port(ports.get(0))
            .monitorPort(ports.get(1))
            .readyTimeout(Duration.ofSeconds(30))
            .stopGrace(Duration.ofSeconds(5))
            .build();
    server.start();
    config = new NatsConfig().withUrl(server.url());
    connection = NatsConnections.connect(config, "outage-test", connectionMetrics);
    DefaultStreams.ensure(connection, config.streams());
  }

  @AfterEach
  void stopServer() throws Exception {
    try {
      if (connection != null) {
        connection.close();
      }
    } finally {
      server.stop();
    }
  }

  @Test
  void publishesWhileNatsIsDownTimeOutAndAreRetriedWithTheirIdsAndStoredOnceAfterItReturns() throws Exception {
    NatsConfig.Publisher limits = config.withPublisher(64, 10_000, Duration.ofSeconds(1)).publisher();
    PrometheusRegistry publisherMetrics = new PrometheusRegistry();
    try (BoundedPublisher publisher = BoundedPublisher.start(connection, limits, publisherMetrics)) {
      server.stop();
      for (int i = 0; i < 2_000; i++) {
        assertThat(publisher.publish(TestEvents.trade("OUT-USDT", i))).isTrue();
      }
      assertThat(publisher.flush(Duration.ofSeconds(2))).isFalse();
      // no ack can come while the server is down: the window's publishes timed out (1 s) and were queued again
      assertThat(publisher.retried()).isPositive();

      server.start();

      assertThat(publisher.flush(Duration.ofSeconds(60))).isTrue();
      assertThat(publisher.shed()).isZero();
      assertThat(publisher.acked()).isEqualTo(2_000);
      // a duplicate ack is a re-publish under an id the stream already had: only retries can cause one here
      assertThat(publisher.duplicates()).isLessThanOrEqualTo(publisher.retried());
      assertThat(publishOutcomes(publisherMetrics, "retried")).isEqualTo(publisher.retried());
      assertThat(publishOutcomes(publisherMetrics, "acked") + publishOutcomes(publisherMetrics, "duplicate"))
          .isEqualTo(2_000);
      assertThat(publishOutcomes(publisherMetrics, "duplicate")).isEqualTo(publisher.duplicates());
    }
    // every retry reused its message's id: the stream holds each trade exactly once
    assertThat(messagesOn("md.trade.binance.OUT-USDT")).isEqualTo(2_000);
    assertThat(connectionEvents("disconnected")).isGreaterThanOrEqualTo(1);
    assertThat(connectionEvents("reconnected")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void beyondTheBufferMessagesAreShedAndCountedAndTheRestDelivered() throws Exception {
    NatsConfig.Publisher limits = config.withPublisher(4, 50, Duration.ofSeconds(1)).publisher();
    int accepted = 0;
    try (BoundedPublisher publisher = BoundedPublisher.start(connection, limits, new PrometheusRegistry())) {
      server.stop();
      for (int i = 0; i < 500; i++) {
        if (publisher.publish(TestEvents.trade("SHED-USDT", i))) {
          accepted++;
        }
      }
      assertThat(publisher.shed()).isEqualTo(500 - accepted).isPositive();
      assertThat(accepted).isLessThanOrEqualTo(50 + 4 + 1);

      server.start();

      assertThat(publisher.flush(Duration.ofSeconds(60))).isTrue();
      assertThat(publisher.acked()).isEqualTo(accepted);
    }
    assertThat(messagesOn("md.trade.binance.SHED-USDT")).isEqualTo(accepted);
  }

  private double connectionEvents(String event) {
    return counter(connectionMetrics, "marketprism_nats_connection_events", "event", event);
  }

  /** Metric snapshots carry counter names without {@code _total}. */
  private static long publishOutcomes(PrometheusRegistry metrics, String outcome) {
    return (long) counter(metrics, "marketprism_nats_publish", "outcome", outcome);
  }

  private static double counter(PrometheusRegistry metrics, String name, String label, String value) {
    return metrics.scrape().stream()
        .filter(snapshot -> snapshot.getMetadata().getName().equals(name))
        .flatMap(snapshot -> snapshot.getDataPoints().stream())
        .filter(point -> value.equals(point.getLabels().get(label)))
        .mapToDouble(point -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) point)
            .getValue())
        .sum();
  }

  private long messagesOn(String subject) throws Exception {
    return connection.jetStreamManagement()
        .getStreamInfo(DefaultStreams.MARKET_DATA, io.nats.client.api.StreamInfoOptions.filterSubjects(subject))
        .getStreamState().getSubjects().stream().mapToLong(s -> s.getCount()).sum();
  }
}

package io.marketprism.monitoring.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketprism.monitoring.support.MonitoringFixture;
import io.marketprism.monitoring.support.Rules;
import io.marketprism.monitoring.v1.Alert;
import io.marketprism.monitoring.v1.AlertRule;
import io.marketprism.monitoring.v1.AlertState;
import io.marketprism.monitoring.v1.CreateAlertRuleRequest;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Consumer lag read from the broker: a durable that stops taking and acking messages falls behind, the lag rule fires
 * and monitoring exports the counts on its /metrics; once it catches up and acks, the alert resolves.
 */
@WithNats
class ConsumerLagAlertsTest {

  @Test
  void aConsumerThatStopsAckingFiresTheLagRuleUntilItCatchesUp(NatsServer nats) throws Exception {
    String id = UUID.randomUUID().toString().substring(0, 8);
    String stream = "LAG_" + id.toUpperCase();
    String subject = "lag." + id;
    try (Connection connection = Nats.connect(nats.url());
        MonitoringFixture monitoring = MonitoringFixture.start(nats, "mon-" + id,
            Map.of("MARKETPRISM_CONSUMERS_INTERVAL", "300ms", "MARKETPRISM_FEEDS_ENABLED", "false"))) {
      connection.jetStreamManagement().addStream(StreamConfiguration.builder().name(stream).subjects(subject)
          .storageType(StorageType.Memory).build());
      JetStream js = connection.jetStream();
      JetStreamSubscription reader = js.subscribe(subject, PullSubscribeOptions.builder().durable("slow-reader")
          .build());
      AlertRule behind = Rules.above("consumer-behind", ConsumerLag.PENDING, 5, 1);
      monitoring.stub.createAlertRule(CreateAlertRuleRequest.newBuilder().setRule(behind.toBuilder()
          .setThreshold(behind.getThreshold().toBuilder().addMatchers(Rules.equal("stream", stream)))).build());

      // keeping up: every message taken and acked, nothing pending
      publish(js, subject, 3);
      ack(reader.fetch(3, Duration.ofSeconds(2)));
      await().atMost(Duration.ofSeconds(10)).until(() -> exported(monitoring, ConsumerLag.PENDING, stream) == 0.0);
      Thread.sleep(6_000);
      assertThat(monitoring.alerts("consumer-behind")).isEmpty();

      // falls behind: 20 more stored, 10 of them taken but never acked
      publish(js, subject, 20);
      List<Message> unacked = reader.fetch(10, Duration.ofSeconds(2));
      assertThat(unacked).hasSize(10);
      await().atMost(Duration.ofSeconds(10)).until(() -> exported(monitoring, ConsumerLag.PENDING, stream) == 10.0
          && exported(monitoring, ConsumerLag.ACK_PENDING, stream) == 10.0);
      await().atMost(Duration.ofSeconds(20))
          .until(() -> monitoring.state("consumer-behind").orElse(null) == AlertState.ALERT_STATE_FIRING);
      Alert firing = monitoring.alerts("consumer-behind").get(0);
      assertThat(firing.getLabelsMap()).containsEntry("stream", stream).containsEntry("consumer", "slow-reader");

      // catches up
      ack(unacked);
      ack(reader.fetch(10, Duration.ofSeconds(2)));
      await().atMost(Duration.ofSeconds(20))
          .until(() -> monitoring.state("consumer-behind").orElse(null) == AlertState.ALERT_STATE_RESOLVED);
      assertThat(exported(monitoring, ConsumerLag.ACK_PENDING, stream)).isEqualTo(0.0);
    }
  }

  private static void publish(JetStream js, String subject, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      js.publish(subject, ("m" + i).getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void ack(List<Message> messages) {
    messages.forEach(Message::ack);
  }

  /** The value monitoring's own /metrics exports for the stream's consumer; NaN if it exports none. */
  private static double exported(MonitoringFixture monitoring, String metric, String stream) throws Exception {
    var address = monitoring.service.metricsAddress().orElseThrow();
    String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + address.getPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    List<Double> values = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith(metric + "{") && line.contains("stream=\"" + stream + "\"")) {
        values.add(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return values.isEmpty() ? Double.NaN : values.get(0);
  }
}

package io.marketprism.monitoring.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.Timestamps;
import io.marketprism.monitoring.support.FakeExporter;
import io.marketprism.monitoring.support.MonitoringFixture;
import io.marketprism.monitoring.support.Rules;
import io.marketprism.monitoring.support.WebhookReceiver;
import io.marketprism.monitoring.v1.Alert;
import io.marketprism.monitoring.v1.AlertState;
import io.marketprism.monitoring.v1.CreateAlertRuleRequest;
import io.marketprism.monitoring.v1.CreateSilenceRequest;
import io.marketprism.monitoring.v1.DeleteSilenceRequest;
import io.marketprism.monitoring.v1.Silence;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Notifications end to end: a metric from a scraped endpoint crosses a rule's threshold, and the webhook and NATS get
 * Alertmanager-shaped notifications — once, through refusals, silences and a monitoring restart.
 */
@WithNats
class AlertNotificationsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private FakeExporter exporter;
  private WebhookReceiver webhook;
  private String bucket;
  private String subject;

  @BeforeEach
  void setUp() throws Exception {
    exporter = new FakeExporter();
    exporter.expose("# TYPE test_queue_depth gauge\ntest_queue_depth{queue=\"orders\"} 5\n");
    webhook = new WebhookReceiver();
    bucket = "mon-" + UUID.randomUUID().toString().substring(0, 8);
    subject = "sys.alerts." + bucket;
  }

  @AfterEach
  void tearDown() {
    exporter.close();
    webhook.close();
  }

  private MonitoringFixture monitoring(NatsServer nats) {
    return MonitoringFixture.start(nats, bucket, Map.of(
        "MARKETPRISM_SCRAPE_STATIC_TARGETS_QUEUES", exporter.address(),
        "MARKETPRISM_NOTIFICATIONS_WEBHOOKS", webhook.url(),
        "MARKETPRISM_NOTIFICATIONS_SUBJECT", subject));
  }

  @Test
  void aWebhookThatFailsTwiceGetsTheFiringAlertOnceThenItsResolution(NatsServer nats) throws Exception {
    webhook.refuse(2);
    try (Connection connection = Nats.connect(nats.url());
        MonitoringFixture monitoring = monitoring(nats)) {
      Subscription alertsOnNats = connection.subscribe(subject);
      monitoring.stub.createAlertRule(CreateAlertRuleRequest.newBuilder()
          .setRule(Rules.above("queue-deep", "test_queue_depth", 3, 5)).build());

      await().atMost(Duration.ofSeconds(15)).until(() -> monitoring.state("queue-deep").isPresent());
      Alert pending = monitoring.alerts("queue-deep").get(0);
      assertThat(pending.getLabelsMap()).containsEntry("job", "queues").containsEntry("queue", "orders")
          .containsEntry("alertname", "queue-deep");
      await().atMost(Duration.ofSeconds(20))
          .until(() -> monitoring.state("queue-deep").orElseThrow() == AlertState.ALERT_STATE_FIRING);
      Alert firing = monitoring.alerts("queue-deep").get(0);
      // it waited out its for_duration (5 s) as PENDING
      assertThat(Timestamps.toMillis(firing.getFiringSince()) - Timestamps.toMillis(firing.getActiveSince()))
          .isGreaterThanOrEqualTo(5000);

      await().atMost(Duration.ofSeconds(10)).until(() -> webhook.count(firing.getAlertId(), "firing") == 1);
      assertThat(webhook.attempts()).isEqualTo(3);
      JsonNode body = webhook.accepted().get(0);
      assertThat(body.path("version").asText()).isEqualTo("4");
      assertThat(body.path("status").asText()).isEqualTo("firing");
      assertThat(body.path("groupLabels").path("alertname").asText()).isEqualTo("queue-deep");
      assertThat(body.path("alerts").get(0).path("labels").path("queue").asText()).isEqualTo("orders");
      assertThat(body.path("alerts").get(0).path("annotations").path("summary").asText())
          .isEqualTo("queue-deep above 3.0");

      // more evaluations of the still-firing rule notify nothing more
      Thread.sleep(6000);
      assertThat(webhook.count(firing.getAlertId(), "firing")).isEqualTo(1);
      JsonNode onNats = JSON.readTree(alertsOnNats.nextMessage(Duration.ofSeconds(5)).getData());
      assertThat(onNats.path("alerts").get(0).path("fingerprint").asText()).isEqualTo(firing.getAlertId());

      exporter.expose("test_queue_depth{queue=\"orders\"} 1\n");
      await().atMost(Duration.ofSeconds(15))
          .until(() -> monitoring.state("queue-deep").orElseThrow() == AlertState.ALERT_STATE_RESOLVED);
      await().atMost(Duration.ofSeconds(5)).until(() -> webhook.count(firing.getAlertId(), "resolved") == 1);
      assertThat(webhook.accepted().get(webhook.accepted().size() - 1).path("status").asText()).isEqualTo("resolved");
    }
  }

  @Test
  void aSilencedAlertFiresWithoutNotificationUntilTheSilenceIsExpired(NatsServer nats) throws Exception {
    try (MonitoringFixture monitoring = monitoring(nats)) {
      Silence silence = monitoring.stub.createSilence(CreateSilenceRequest.newBuilder().setSilence(Silence.newBuilder()
          .addMatchers(Rules.equal("alertname", "queue-quiet"))
          .setEndTime(Timestamps.fromMillis(System.currentTimeMillis() + 3_600_000))
          .setComment("maintenance of the orders queue")).build()).getSilence();
      monitoring.stub.createAlertRule(CreateAlertRuleRequest.newBuilder()
          .setRule(Rules.above("queue-quiet", "test_queue_depth", 3, 0)).build());

      await().atMost(Duration.ofSeconds(15))
          .until(() -> monitoring.state("queue-quiet").orElse(null) == AlertState.ALERT_STATE_FIRING);
      Alert firing = monitoring.alerts("queue-quiet").get(0);
      assertThat(firing.getSilencedByList()).containsExactly(silence.getSilenceId());
      Thread.sleep(3000);
      assertThat(webhook.attempts()).isZero();

      monitoring.stub.deleteSilence(DeleteSilenceRequest.newBuilder().setSilenceId(silence.getSilenceId()).build());
      await().atMost(Duration.ofSeconds(10)).until(() -> webhook.count(firing.getAlertId(), "firing") == 1);
      assertThat(monitoring.alerts("queue-quiet").get(0).getSilencedByList()).isEmpty();
    }
  }

  @Test
  void aNotificationQueuedBeforeARestartIsDeliveredOnceAfterIt(NatsServer nats) throws Exception {
    webhook.refuse(Integer.MAX_VALUE);
    String alertId;
    try (MonitoringFixture monitoring = monitoring(nats)) {
      monitoring.stub.createAlertRule(CreateAlertRuleRequest.newBuilder()
          .setRule(Rules.above("queue-restart", "test_queue_depth", 3, 0)).build());
      await().atMost(Duration.ofSeconds(15))
          .until(() -> monitoring.state("queue-restart").orElse(null) == AlertState.ALERT_STATE_FIRING);
      alertId = monitoring.alerts("queue-restart").get(0).getAlertId();
      await().atMost(Duration.ofSeconds(10)).until(() -> webhook.attempts() >= 2);
    }
    webhook.refuse(0);
    int attemptsWhileDown = webhook.attempts();

    try (MonitoringFixture restarted = monitoring(nats)) {
      // the alert's state came back from the store, and the undelivered notification with it
      assertThat(restarted.state("queue-restart")).contains(AlertState.ALERT_STATE_FIRING);
      await().atMost(Duration.ofSeconds(10)).until(() -> webhook.count(alertId, "firing") == 1);
      Thread.sleep(6000);   // evaluations after the restart notify nothing new: the alert stayed firing
      assertThat(webhook.count(alertId, "firing")).isEqualTo(1);
      assertThat(webhook.count(alertId, "resolved")).isZero();
      assertThat(webhook.attempts()).isGreaterThan(attemptsWhileDown);
    }
  }

  @Test
  void groupWaitGathersTwoAlertsIntoOneNotificationEvenAcrossARestart(NatsServer nats) throws Exception {
    Map<String, String> waiting = Map.of(
        "MARKETPRISM_SCRAPE_STATIC_TARGETS_QUEUES", exporter.address(),
        "MARKETPRISM_NOTIFICATIONS_WEBHOOKS", webhook.url(),
        "MARKETPRISM_NOTIFICATIONS_SUBJECT", subject,
        "MARKETPRISM_NOTIFICATIONS_GROUP_WAIT", "12s");
    try (MonitoringFixture monitoring = MonitoringFixture.start(nats, bucket, waiting)) {
      monitoring.stub.createAlertRule(CreateAlertRuleRequest.newBuilder()
          .setRule(Rules.above("queues-deep", "test_queue_depth", 3, 0)).build());
      await().atMost(Duration.ofSeconds(15))
          .until(() -> monitoring.state("queues-deep").orElse(null) == AlertState.ALERT_STATE_FIRING);
      // a sibling in the same group (alertname) starts firing at the next evaluation, 5 s later
      exporter.expose("test_queue_depth{queue=\"orders\"} 5\ntest_queue_depth{queue=\"fills\"} 7\n");
      await().atMost(Duration.ofSeconds(15)).until(() -> monitoring.alerts("queues-deep").stream()
          .filter(a -> a.getState() == AlertState.ALERT_STATE_FIRING).count() == 2);
      assertThat(webhook.attempts()).as("nothing sent before group_wait").isZero();
    }
    // the group's waiting changes are in the store: a restart delays them, never drops them
    try (MonitoringFixture restarted = MonitoringFixture.start(nats, bucket, waiting)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> webhook.accepted().size() == 1);
      JsonNode body = webhook.accepted().get(0);
      assertThat(body.path("groupLabels").path("alertname").asText()).isEqualTo("queues-deep");
      List<String> queues = new ArrayList<>();
      body.path("alerts").forEach(alert -> queues.add(alert.path("labels").path("queue").asText()));
      assertThat(queues).containsExactlyInAnyOrder("orders", "fills");
      Thread.sleep(6000);   // nothing changed since: nothing more is sent
      assertThat(webhook.accepted()).hasSize(1);
    }
  }

  @Test
  void groupIntervalHoldsASiblingUntilTheGroupsNextNotification(NatsServer nats) throws Exception {
    try (MonitoringFixture monitoring = MonitoringFixture.start(nats, bucket, Map.of(
        "MARKETPRISM_SCRAPE_STATIC_TARGETS_QUEUES", exporter.address(),
        "MARKETPRISM_NOTIFICATIONS_WEBHOOKS", webhook.url(),
        "MARKETPRISM_NOTIFICATIONS_SUBJECT", subject,
        "MARKETPRISM_NOTIFICATIONS_GROUP_INTERVAL", "15s"))) {
      monitoring.stub.createAlertRule(CreateAlertRuleRequest.newBuilder()
          .setRule(Rules.above("queues-interval", "test_queue_depth", 3, 0)).build());
      // a new group with no group_wait: notified at once
      await().atMost(Duration.ofSeconds(15)).until(() -> webhook.accepted().size() == 1);
      // the group was notified on the evaluation that fired its first alert
      long firstNotifiedMillis = Timestamps.toMillis(monitoring.alerts("queues-interval").get(0).getFiringSince());
      exporter.expose("test_queue_depth{queue=\"orders\"} 5\ntest_queue_depth{queue=\"fills\"} 7\n");
      await().atMost(Duration.ofSeconds(15)).until(() -> monitoring.alerts("queues-interval").stream()
          .filter(a -> a.getState() == AlertState.ALERT_STATE_FIRING).count() == 2);
      assertThat(webhook.accepted()).as("the sibling waits for the group's interval").hasSize(1);
      await().atMost(Duration.ofSeconds(20)).until(() -> webhook.accepted().size() == 2);
      assertThat(System.currentTimeMillis() - firstNotifiedMillis).isGreaterThanOrEqualTo(15_000);
      List<String> queues = new ArrayList<>();
      webhook.accepted().get(1).path("alerts").forEach(alert -> queues.add(alert.path("labels").path("queue").asText()));
      assertThat(queues).containsExactlyInAnyOrder("orders", "fills");
    }
  }
}

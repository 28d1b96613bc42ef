package io.marketprism.monitoring.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.marketprism.monitoring.v1.AlertRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules and dashboard under observability/ load, and the two rule files name the same alerts. */
class ShippedRulesTest {

  private static final Path OBSERVABILITY = Path.of("../../observability");

  @Test
  void monitoringRulesLoadAndPrometheusHasEachOfThem() throws Exception {
    List<AlertRule> rules = RulesFile.read(OBSERVABILITY.resolve("monitoring/rules.yaml"));
    assertThat(rules).hasSizeGreaterThanOrEqualTo(8);

    JsonNode prometheus = new ObjectMapper(new YAMLFactory()).readTree(
        OBSERVABILITY.resolve("prometheus/alert-rules.yml").toFile());
    List<String> alerts = new ArrayList<>();
    prometheus.path("groups").forEach(group -> group.path("rules").forEach(rule -> {
      alerts.add(rule.path("alert").asText());
      assertThat(rule.path("expr").asText()).isNotBlank();
    }));
    assertThat(alerts).containsAll(rules.stream().map(AlertRule::getRuleId).toList());
  }

  @Test
  void aBadRulesFileNamesTheRuleAndField() throws Exception {
    Path file = Files.createTempFile("rules", ".yaml");
    Files.writeString(file, """
        rules:
          - rule_id: ok-rule
            threshold: {metric: up, comparison: COMPARISON_EQUAL, threshold: 0}
            severity: SEVERITY_INFO
          - rule_id: Bad_Id
            threshold: {metric: up, aggregation: AGGREGATION_RATE, comparison: COMPARISON_GREATER}
            severity: SEVERITY_INFO
        """);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RulesFile.read(file))
        .hasMessageContaining("rules[1].rule_id").hasMessageContaining("rules[1].threshold.window");
  }

  @Test
  void theGrafanaDashboardQueriesEverySignal() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(
        OBSERVABILITY.resolve("grafana/marketprism-data-health.json").toFile());
    StringBuilder queries = new StringBuilder();
    dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(t -> queries.append(t.path("expr"))));
    assertThat(queries.toString()).contains("marketprism_feed_staleness_seconds",
        "marketprism_collector_book_resyncs_total", "marketprism_collector_rejected_frames_total",
        "marketprism_nats_publish_total", "marketprism_storage_batch_age_seconds_bucket",
        "marketprism_storage_dead_letters_total", "marketprism_monitoring_instance_healthy",
        "marketprism_jetstream_consumer_pending_messages");
  }
}

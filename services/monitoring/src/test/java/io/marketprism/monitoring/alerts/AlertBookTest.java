package io.marketprism.monitoring.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.marketprism.monitoring.rules.CompiledRule;
import io.marketprism.monitoring.series.Labels;
import io.marketprism.monitoring.v1.AlertRule;
import io.marketprism.monitoring.v1.AlertState;
import io.marketprism.monitoring.v1.Comparison;
import io.marketprism.monitoring.v1.LabelMatcher;
import io.marketprism.monitoring.v1.MatchType;
import io.marketprism.monitoring.v1.Severity;
import io.marketprism.monitoring.v1.Silence;
import io.marketprism.monitoring.v1.ThresholdCondition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertBookTest {

  private static final long S = 1_000_000_000L;
  private static final Labels SERIES = Labels.of("exchange", "binance", "symbol", "BTC-USDT");

  private final AlertBook book = new AlertBook();
  private final Silences silences = new Silences();
  private final CompiledRule rule = CompiledRule.of(AlertRule.newBuilder()
      .setRuleId("feed-stale")
      .setThreshold(ThresholdCondition.newBuilder().setMetric("m").setComparison(Comparison.COMPARISON_GREATER))
      .setForDuration(Durations.fromSeconds(30))
      .setSeverity(Severity.SEVERITY_WARNING)
      .putLabels("team", "data")
      .putAnnotations("summary", "stale")
      .build());

  @Test
  void pendingThenFiringAfterForThenResolvedWithOneNotificationEach() {
    List<AlertBook.Change> first = book.apply(rule, Map.of(SERIES, 40.0), 100 * S, silences);
    assertThat(first).singleElement().satisfies(change -> {
      assertThat(change.after().alert().getState()).isEqualTo(AlertState.ALERT_STATE_PENDING);
      assertThat(change.after().alert().getLabelsMap()).containsEntry("alertname", "feed-stale")
          .containsEntry("team", "data").containsEntry("symbol", "BTC-USDT");
      assertThat(change.notifies()).isFalse();
    });
    assertThat(book.apply(rule, Map.of(SERIES, 41.0), 120 * S, silences)).isEmpty();   // still pending: no change

    List<AlertBook.Change> firing = book.apply(rule, Map.of(SERIES, 42.0), 130 * S, silences);
    assertThat(firing).singleElement().satisfies(change -> {
      assertThat(change.after().alert().getState()).isEqualTo(AlertState.ALERT_STATE_FIRING);
      assertThat(Timestamps.toNanos(change.after().alert().getFiringSince())).isEqualTo(130 * S);
      assertThat(change.after().alert().getValue()).isEqualTo(42.0);
      assertThat(change.notifies()).isTrue();
    });
    assertThat(book.apply(rule, Map.of(SERIES, 43.0), 140 * S, silences)).isEmpty();   // firing stays, told once

    List<AlertBook.Change> resolved = book.apply(rule, Map.of(), 150 * S, silences);
    assertThat(resolved).singleElement().satisfies(change -> {
      assertThat(change.after().alert().getState()).isEqualTo(AlertState.ALERT_STATE_RESOLVED);
      assertThat(change.after().alert().getAlertId()).isEqualTo(firing.get(0).after().alert().getAlertId());
      assertThat(change.notifies()).isTrue();
    });
  }

  @Test
  void aSilencedAlertFiresWithoutNotificationUntilTheSilenceEnds() {
    silences.put(Silence.newBuilder().setSilenceId("s1")
        .addMatchers(LabelMatcher.newBuilder().setName("symbol").setValue("BTC-.*").setType(MatchType.MATCH_TYPE_REGEX))
        .setStartTime(Timestamps.fromNanos(0)).setEndTime(Timestamps.fromNanos(200 * S)).build());
    book.apply(rule, Map.of(SERIES, 40.0), 100 * S, silences);
    List<AlertBook.Change> firing = book.apply(rule, Map.of(SERIES, 40.0), 130 * S, silences);
    assertThat(firing).singleElement().satisfies(change -> {
      assertThat(change.after().alert().getState()).isEqualTo(AlertState.ALERT_STATE_FIRING);
      assertThat(change.after().alert().getSilencedByList()).containsExactly("s1");
      assertThat(change.notifies()).isFalse();
    });
    assertThat(book.resilence(199 * S, silences)).isEmpty();

    List<AlertBook.Change> unmuted = book.resilence(200 * S, silences);   // the silence expired
    assertThat(unmuted).singleElement().satisfies(change -> {
      assertThat(change.after().alert().getSilencedByList()).isEmpty();
      assertThat(change.notifies()).isTrue();
    });
  }

  @Test
  void aPendingAlertThatResolvesIsNotNotifiedAndADeletedRuleResolvesItsAlerts() {
    book.apply(rule, Map.of(SERIES, 40.0), 100 * S, silences);
    assertThat(book.apply(rule, Map.of(), 110 * S, silences)).singleElement()
        .satisfies(change -> assertThat(change.notifies()).isFalse());

    book.apply(rule, Map.of(SERIES, 40.0), 120 * S, silences);
    book.apply(rule, Map.of(SERIES, 40.0), 150 * S, silences);
    assertThat(book.resolveRule("feed-stale", 160 * S)).singleElement().satisfies(change -> {
      assertThat(change.after().alert().getState()).isEqualTo(AlertState.ALERT_STATE_RESOLVED);
      assertThat(change.notifies()).isTrue();
    });
    assertThat(book.purge(160 * S + AlertBook.RESOLVED_RETENTION.toNanos() + 1)).hasSize(1);
    assertThat(book.all()).isEmpty();
  }
}

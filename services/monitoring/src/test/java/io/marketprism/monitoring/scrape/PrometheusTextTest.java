package io.marketprism.monitoring.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

  @Test
  void readsSamplesWithLabelsEscapesAndSpecialValues() throws Exception {
    List<PrometheusText.Sample> samples = PrometheusText.parse("""
        # HELP marketprism_collector_book_resyncs_total Order-book re-syncs
        # TYPE marketprism_collector_book_resyncs_total counter
        marketprism_collector_book_resyncs_total{exchange="binance",reason="sequence_gap"} 12.0
        marketprism_storage_batch_age_seconds_bucket{table="trades",le="+Inf"} 3 1700000000000
        odd{path="a\\\\b \\"q\\"\\nx"} -Inf
        up 1
        nan_gauge NaN
        """);

    assertThat(samples).hasSize(5);
    assertThat(samples.get(0)).isEqualTo(new PrometheusText.Sample("marketprism_collector_book_resyncs_total",
        Map.of("exchange", "binance", "reason", "sequence_gap"), 12.0));
    assertThat(samples.get(1).labels()).containsEntry("le", "+Inf");
    assertThat(samples.get(1).value()).isEqualTo(3.0);
    assertThat(samples.get(2).labels()).containsEntry("path", "a\\b \"q\"\nx");
    assertThat(samples.get(2).value()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(samples.get(3).labels()).isEmpty();
    assertThat(samples.get(4).value()).isNaN();
  }

  @Test
  void rejectsMalformedLinesNamingTheLine() {
    assertThatThrownBy(() -> PrometheusText.parse("ok 1\nbad{x=\"1\" 2\n"))
        .isInstanceOf(PrometheusText.FormatException.class).hasMessageStartingWith("line 2:");
    assertThatThrownBy(() -> PrometheusText.parse("m 1d")).hasMessageContaining("bad value");
    assertThatThrownBy(() -> PrometheusText.parse("m 0x1p3")).hasMessageContaining("bad value");
    assertThatThrownBy(() -> PrometheusText.parse("9m 1")).hasMessageContaining("bad metric name");
    assertThatThrownBy(() -> PrometheusText.parse("m{a=\"1\",a=\"2\"} 1")).hasMessageContaining("twice");
    assertThatThrownBy(() -> PrometheusText.parse("m{a=\"1\\t\"} 1")).hasMessageContaining("bad escape");
    assertThatThrownBy(() -> PrometheusText.parse("m 1 2 3")).hasMessageContaining("expected a value");
  }
}

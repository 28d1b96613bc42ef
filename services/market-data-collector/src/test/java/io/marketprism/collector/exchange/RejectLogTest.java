package io.marketprism.collector.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RejectLogTest {
  private final AtomicLong now = new AtomicLong();
  private final List<String> lines = new ArrayList<>();
  private final RejectLog log = new RejectLog(Duration.ofSeconds(10), now::get, lines::add);

  @Test
  void logsOneSamplePerReasonPerIntervalAndCountsTheRest() {
    log.onReject(reject(RejectReason.MALFORMED_JSON, "{oops"));
    log.onReject(reject(RejectReason.MALFORMED_JSON, "{again"));
    log.onReject(reject(RejectReason.UNKNOWN_SYMBOL, "{\"s\":\"FOO\"}"));
    now.addAndGet(Duration.ofSeconds(11).toNanos());
    log.onReject(reject(RejectReason.MALFORMED_JSON, "{third"));

    assertThat(lines).containsExactly(
        "binance frame rejected (MALFORMED_JSON): detail; sample: {oops",
        "binance frame rejected (UNKNOWN_SYMBOL): detail; sample: {\"s\":\"FOO\"}",
        "binance frame rejected (MALFORMED_JSON): detail [1 more since the last report]; sample: {third");
  }

  @Test
  void samplesAreCutShort() {
    String sample = FrameReject.sampleOf("x".repeat(1000));

    assertThat(sample).hasSize(FrameReject.SAMPLE_CHARS + 3).endsWith("...");
  }

  private static FrameReject reject(RejectReason reason, String frame) {
    return new FrameReject("binance", reason, "detail", FrameReject.sampleOf(frame));
  }
}

package io.marketprism.simulator.fault;

import java.time.Duration;

/**
 * The faults in force: probabilities per eligible frame, and how often every connection is dropped. Immutable; the
 * {@link FaultController} swaps whole instances.
 *
 * @param sequenceGapProbability chance that a book update is withheld from a subscriber, so the next one it gets
 *     does not follow on (Binance {@code U}/{@code pu}, OKX {@code prevSeqId}, Deribit {@code prev_change_id})
 * @param badChecksumProbability chance that an OKX {@code books} update carries a wrong {@code checksum}
 * @param malformedFrameProbability chance that a data frame is sent broken, see {@link MalformedKind}
 * @param dropConnectionsEvery how often every connection is dropped; {@link Duration#ZERO} for never
 */
public record FaultSettings(
    double sequenceGapProbability,
    double badChecksumProbability,
    double malformedFrameProbability,
    MalformedKind malformedKind,
    Duration dropConnectionsEvery) {

  public static final FaultSettings NONE = new FaultSettings(0, 0, 0, MalformedKind.ANY, Duration.ZERO);

  public FaultSettings {
    requireProbability("sequence-gap-probability", sequenceGapProbability);
    requireProbability("bad-checksum-probability", badChecksumProbability);
    requireProbability("malformed-frame-probability", malformedFrameProbability);
    if (malformedKind == null) {
      throw new IllegalArgumentException("malformed-kind must be one of invalid-json, missing-field, any");
    }
    if (dropConnectionsEvery == null || dropConnectionsEvery.isNegative()) {
      throw new IllegalArgumentException("drop-connections-every must be a duration >= 0s");
    }
    if (!dropConnectionsEvery.isZero() && dropConnectionsEvery.toMillis() < 100) {
      throw new IllegalArgumentException("drop-connections-every must be 0s (never) or at least 100ms");
    }
  }

  private static void requireProbability(String key, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(key + " must be between 0 and 1, was " + value);
    }
  }
}

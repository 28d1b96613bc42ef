package io.marketprism.observability;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Decides whether work that starts a new trace (a frame read from an exchange, a message nobody traced before) is
 * traced, before any span exists: with probability {@code ratio}, the same share OpenTelemetry's
 * {@code TraceIdRatioBased} sampler keeps of random trace ids, but an answer of no costs one random draw instead of a
 * span's ids and objects. That matters on paths that run a million times a second and are almost never traced.
 *
 * <p>The decision then travels with the trace: spans started inside a traced unit are children of a sampled span, and
 * other services follow the {@code traceparent} header's sampled flag (parent-based sampling), so a traced trade stays
 * traced from the frame to the database. Thread-safe.
 */
public final class RootSampler {

  private final double ratio;

  private RootSampler(double ratio) {
    this.ratio = ratio;
  }

  /**
   * @param ratio the share of new traces to keep, from 0 (none) to 1 (all)
   * @throws IllegalArgumentException if {@code ratio} is outside [0, 1] or not a number
   */
  public static RootSampler ratio(double ratio) {
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new IllegalArgumentException("sampling ratio must be between 0 and 1: " + ratio);
    }
    return new RootSampler(ratio);
  }

  /** Never traces. */
  public static RootSampler never() {
    return new RootSampler(0);
  }

  /** The share of new traces kept. */
  public double ratio() {
    return ratio;
  }

  /** Whether the next new trace is recorded. */
  public boolean sampleNewTrace() {
    return ratio > 0 && (ratio >= 1 || ThreadLocalRandom.current().nextDouble() < ratio);
  }
}

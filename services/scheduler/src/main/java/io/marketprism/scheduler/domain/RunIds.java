package io.marketprism.scheduler.domain;

import java.time.Instant;

/**
 * Run ids: the fire time in ns since the epoch as 19 digits, then {@code s} for a scheduled or catch-up firing and
 * {@code m<n>} for a manual one. Lexical order is time order, and a scheduled time has exactly one id: the run
 * record created under it is the fire record that keeps a time from firing twice.
 */
public final class RunIds {

  private RunIds() {}

  /** The id of the firing of a task's schedule at {@code fireTime}. */
  public static String scheduled(Instant fireTime) {
    return String.format("%019ds", nanos(fireTime));
  }

  /** The id of a manual trigger at {@code time}; {@code nonce} tells apart triggers of the same nanosecond. */
  public static String manual(Instant time, int nonce) {
    return String.format("%019dm%d", nanos(time), nonce);
  }

  public static boolean isScheduled(String runId) {
    return runId.endsWith("s");
  }

  public static boolean isValid(String runId) {
    return runId.matches("[0-9]{19}(s|m[0-9]{1,10})");
  }

  public static long nanos(Instant time) {
    return time.getEpochSecond() * 1_000_000_000L + time.getNano();
  }
}

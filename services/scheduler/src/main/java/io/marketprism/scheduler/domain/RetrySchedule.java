package io.marketprism.scheduler.domain;

import com.google.protobuf.util.Durations;
import io.grpc.Status;
import io.marketprism.scheduler.v1.RetryPolicy;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/** A task's retry policy with its defaults filled in: how many attempts, which codes, and the delay before each. */
public record RetrySchedule(
    int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier, Set<Status.Code> retryable) {

  private static final Set<Status.Code> DEFAULT_RETRYABLE =
      EnumSet.of(
          Status.Code.UNAVAILABLE,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.RESOURCE_EXHAUSTED,
          Status.Code.ABORTED);

  /** The policy with the contract's defaults for unset fields; the policy must have passed {@link TaskRules}. */
  public static RetrySchedule of(RetryPolicy policy) {
    Set<Status.Code> codes = EnumSet.noneOf(Status.Code.class);
    policy.getRetryableCodesValueList().forEach(value -> codes.add(Status.fromCodeValue(value).getCode()));
    return new RetrySchedule(
        Math.max(1, policy.getMaxAttempts()),
        policy.hasInitialBackoff() ? toDuration(policy.getInitialBackoff()) : Duration.ofSeconds(10),
        policy.hasMaxBackoff() ? toDuration(policy.getMaxBackoff()) : Duration.ofMinutes(10),
        policy.getBackoffMultiplier() == 0 ? 2.0 : policy.getBackoffMultiplier(),
        codes.isEmpty() ? DEFAULT_RETRYABLE : codes);
  }

  /** Whether attempt {@code attempt} (from 1), failed with {@code code}, is followed by another. */
  public boolean retries(int attempt, Status.Code code) {
    return attempt < maxAttempts && retryable.contains(code);
  }

  /** The delay after failed attempt {@code attempt} (from 1): initial × multiplier^(attempt-1), at most the max. */
  public Duration backoffAfter(int attempt) {
    double nanos = initialBackoff.toNanos() * Math.pow(multiplier, attempt - 1);
    return nanos >= maxBackoff.toNanos() ? maxBackoff : Duration.ofNanos((long) nanos);
  }

  static Duration toDuration(com.google.protobuf.Duration duration) {
    return Duration.ofNanos(Durations.toNanos(duration));
  }
}

package io.marketprism.gateway.traffic;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.marketprism.gateway.policy.Glob;
import io.marketprism.gateway.security.Caller;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Token buckets (Bucket4j) per caller and per route. A caller's bucket is keyed by its credential kind and subject and
 * sized by {@code per-subject} if it names the subject, else by {@code per-role}; each {@code per-route} pattern has
 * one bucket shared by every caller of a matching method. Idle callers' buckets are forgotten after ten minutes (a
 * full bucket is what a new one would be anyway). Thread-safe.
 */
public final class RateLimiter {

  private final TrafficConfig.RateLimits config;
  private final TimeMeter time;
  private final Cache<String, Bucket> callers =
      Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10)).maximumSize(100_000).build();
  private final List<RouteBucket> routes = new ArrayList<>();

  private record RouteBucket(Glob pattern, Bucket bucket) {}

  public RateLimiter(TrafficConfig.RateLimits config, Clock clock) {
    this.config = config;
    this.time =
        new TimeMeter() {
          @Override
          public long currentTimeNanos() {
            java.time.Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
          }

          @Override
          public boolean isWallClockBased() {
            return true;
          }
        };
    for (Map.Entry<String, TrafficConfig.Limit> route : config.perRoute().entrySet()) {
      routes.add(new RouteBucket(Glob.of(route.getKey()), bucket(route.getValue())));
    }
  }

  /**
   * Takes one token from the caller's bucket and from every matching route's; returns how long to wait when one is
   * empty ({@link Duration#ZERO}: admitted).
   */
  public Duration tryAcquire(Caller caller, String fullMethodName) {
    Bucket own = callers.get(caller.credential() + ":" + caller.subject(), key -> bucket(limitOf(caller)));
    Duration wait = take(own);
    if (!wait.isZero()) {
      return wait;
    }
    for (RouteBucket route : routes) {
      if (route.pattern().matches(fullMethodName)) {
        wait = take(route.bucket());
        if (!wait.isZero()) {
          return wait;
        }
      }
    }
    return Duration.ZERO;
  }

  /** {@code RESOURCE_EXHAUSTED} with a {@code google.rpc.RetryInfo} detail that says when to try again. */
  public static StatusRuntimeException exhausted(Caller caller, String fullMethodName, Duration retryAfter) {
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
            .setMessage(
                "rate limit exceeded for "
                    + caller.subject()
                    + " calling "
                    + fullMethodName
                    + "; retry in "
                    + retryAfter.toMillis()
                    + " ms")
            .addDetails(
                Any.pack(RetryInfo.newBuilder()
                        .setRetryDelay(
                            com.google.protobuf.Duration.newBuilder()
                                .setSeconds(retryAfter.getSeconds())
                                .setNanos(retryAfter.getNano()))
                        .build()))
            .build());
  }

  private TrafficConfig.Limit limitOf(Caller caller) {
    TrafficConfig.Limit own = config.perSubject().get(caller.subject());
    if (own != null) {
      return own;
    }
    TrafficConfig.Limit byRole = config.perRole().get(caller.role().name().toLowerCase(Locale.ROOT));
    return byRole != null ? byRole : new TrafficConfig.Limit();
  }

  private Bucket bucket(TrafficConfig.Limit limit) {
    return Bucket.builder()
        .addLimit(l -> l.capacity(limit.capacity()).refillGreedy(limit.capacity(), limit.period()))
        .withCustomTimePrecision(time)
        .build();
  }

  private static Duration take(Bucket bucket) {
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    return probe.isConsumed() ? Duration.ZERO : Duration.ofNanos(Math.max(1, probe.getNanosToWaitForRefill()));
  }
}

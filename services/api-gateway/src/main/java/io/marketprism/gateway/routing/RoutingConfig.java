package io.marketprism.gateway.routing;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * The gateway's {@code routing:} section: how it calls the services behind it.
 *
 * <pre>{@code
 * routing:
 *   default-timeout: 10s      # deadline of a unary call that brings no grpc-timeout (REST calls never do)
 *   max-timeout: 10m          # a caller's grpc-timeout above this is cut to it
 *   timeouts:                 # method pattern -> default deadline (* = within one name segment, ** = anything)
 *     "marketprism.storage.v1.StorageService/Archive": 10m
 *   health-timeout: 2s        # each upstream's grpc.health.v1 check behind GET /healthz
 *   stream-buffer: 256        # messages a live stream (SSE, WebSocket) holds for a slow client before dropping it
 *   stream-heartbeat: 15s     # an SSE comment this often keeps idle streams open through proxies
 * }</pre>
 */
public class RoutingConfig {

  @NotNull
  @DurationMin(millis = 1)
  private Duration defaultTimeout = Duration.ofSeconds(10);

  @NotNull
  @DurationMin(millis = 1)
  private Duration maxTimeout = Duration.ofMinutes(10);

  @NotNull private Map<String, @NotNull @DurationMin(millis = 1) Duration> timeouts = defaultTimeouts();

  @NotNull
  @DurationMin(millis = 10)
  @DurationMax(minutes = 1)
  private Duration healthTimeout = Duration.ofSeconds(2);

  @Positive
  @Max(1_000_000)
  private int streamBuffer = 256;

  @NotNull
  @DurationMin(millis = 100)
  private Duration streamHeartbeat = Duration.ofSeconds(15);

  private static Map<String, Duration> defaultTimeouts() {
    Map<String, Duration> timeouts = new LinkedHashMap<>();
    // moving a day of hot data to the archive takes minutes, not seconds
    timeouts.put("marketprism.storage.v1.StorageService/Archive", Duration.ofMinutes(10));
    timeouts.put("marketprism.storage.v1.StorageService/PurgeArchive", Duration.ofMinutes(10));
    return timeouts;
  }

  public Duration defaultTimeout() {
    return defaultTimeout;
  }

  public Duration maxTimeout() {
    return maxTimeout;
  }

  public Map<String, Duration> timeouts() {
    return timeouts;
  }

  public Duration healthTimeout() {
    return healthTimeout;
  }

  public int streamBuffer() {
    return streamBuffer;
  }

  public Duration streamHeartbeat() {
    return streamHeartbeat;
  }
}

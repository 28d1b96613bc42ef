package io.marketprism.gateway.traffic;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * The gateway's {@code traffic:} section: rate limits, the response cache, CORS and request size limits.
 *
 * <pre>{@code
 * traffic:
 *   rate-limits:
 *     per-role:                      # one bucket per caller (by subject), sized by the caller's role
 *       reader: {capacity: 50, period: 1s}
 *       operator: {capacity: 200, period: 1s}
 *       admin: {capacity: 1000, period: 1s}
 *     per-subject: {}                # overrides for named subjects: alice: {capacity: 5, period: 1s}
 *     per-route: {}                  # one bucket per method pattern shared by all callers:
 *                                    # "marketprism.storage.v1.StorageService/Write*": {capacity: 100, period: 1s}
 *   cache:
 *     scope: role                    # role | subject: whose responses may be shared
 *     max-bytes: 67108864
 *     max-entry-bytes: 1048576
 *     routes:                        # GET path pattern -> time to live
 *       /v1/storage/stats: 5s        # patterns: * = within one segment, ** = anything
 *   cors:
 *     allowed-origins: []            # e.g. [http://localhost:5173]; empty = no CORS; "*" = any
 *     max-age: 10m
 *   limits:
 *     max-request-bytes: 1048576     # larger bodies: 413
 *     max-header-bytes: 16384        # larger header blocks: 431
 * }</pre>
 */
public class TrafficConfig {

  @Valid @NotNull private RateLimits rateLimits = new RateLimits();
  @Valid @NotNull private Cache cache = new Cache();
  @Valid @NotNull private Cors cors = new Cors();
  @Valid @NotNull private Limits limits = new Limits();

  public RateLimits rateLimits() {
    return rateLimits;
  }

  public Cache cache() {
    return cache;
  }

  public Cors cors() {
    return cors;
  }

  public Limits limits() {
    return limits;
  }

  /** A token bucket: {@code capacity} calls, refilled evenly over each {@code period}. */
  public static class Limit {
    @Positive private long capacity = 50;

    @NotNull
    @DurationMin(millis = 1)
    private Duration period = Duration.ofSeconds(1);

    public Limit() {}

    public Limit(long capacity, Duration period) {
      this.capacity = capacity;
      this.period = period;
    }

    public long capacity() {
      return capacity;
    }

    public Duration period() {
      return period;
    }
  }

  /** Token buckets per caller and per route. */
  public static class RateLimits {
    @NotNull
    private Map<@Pattern(regexp = "reader|operator|admin") String, @Valid @NotNull Limit> perRole =
        Map.of(
            "reader", new Limit(50, Duration.ofSeconds(1)),
            "operator", new Limit(200, Duration.ofSeconds(1)),
            "admin", new Limit(1000, Duration.ofSeconds(1)));

    @NotNull private Map<@NotBlank String, @Valid @NotNull Limit> perSubject = Map.of();
    @NotNull private Map<@NotBlank String, @Valid @NotNull Limit> perRoute = Map.of();

    public Map<String, Limit> perRole() {
      return perRole;
    }

    public Map<String, Limit> perSubject() {
      return perSubject;
    }

    public Map<String, Limit> perRoute() {
      return perRoute;
    }
  }

  /** The response cache for idempotent GETs. */
  public static class Cache {
    @NotNull
    @Pattern(regexp = "role|subject")
    private String scope = "role";

    @Positive private long maxBytes = 64L * 1024 * 1024;
    @Positive private int maxEntryBytes = 1024 * 1024;

    @NotNull
    private Map<@NotBlank String, @NotNull @DurationMin(millis = 1) Duration> routes =
        Map.of(
            "/v1/tickers/*/*/latest", Duration.ofSeconds(1),
            "/v1/books/*/*/snapshot", Duration.ofSeconds(1),
            "/v1/storage/stats", Duration.ofSeconds(5));

    /** Whether responses are shared by every caller of one role ({@code role}) or kept per subject. */
    public boolean perSubject() {
      return scope.equals("subject");
    }

    public long maxBytes() {
      return maxBytes;
    }

    public int maxEntryBytes() {
      return maxEntryBytes;
    }

    public Map<String, Duration> routes() {
      return routes;
    }
  }

  /** Cross-origin requests from browsers. */
  public static class Cors {
    @NotNull private List<@NotBlank String> allowedOrigins = List.of();

    @NotNull
    @DurationMin(seconds = 0)
    private Duration maxAge = Duration.ofMinutes(10);

    public List<String> allowedOrigins() {
      return allowedOrigins;
    }

    public Duration maxAge() {
      return maxAge;
    }
  }

  /** Request size limits. */
  public static class Limits {
    @Positive private long maxRequestBytes = 1024 * 1024;
    @Positive private int maxHeaderBytes = 16 * 1024;

    public long maxRequestBytes() {
      return maxRequestBytes;
    }

    public int maxHeaderBytes() {
      return maxHeaderBytes;
    }
  }
}

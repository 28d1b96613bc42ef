package io.marketprism.monitoring;

import io.marketprism.kit.config.ServiceConfig;
import io.marketprism.messaging.NatsConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * Configuration of the monitoring service: the kit's sections, with its well-known gRPC port 7106, and
 *
 * <pre>{@code
 * nats: {url: nats://127.0.0.1:4222}
 * store: {bucket: monitoring}
 * scrape: {interval: 15s, timeout: 5s, stale-after: 5m, samples-per-series: 256, static-targets: {}}
 * feeds: {enabled: true, interval: 5s, collector: market-data-collector}
 * consumers: {enabled: true, interval: 15s}
 * rules: {file: "", tick: 1s}
 * notifications: {webhooks: [], group-by: [alertname], subject: sys.alerts, external-url: http://127.0.0.1:8080,
 *          initial-backoff: 500ms, max-backoff: 1m, timeout: 5s, group-wait: 0s, group-interval: 0s}
 * }</pre>
 */
public class MonitoringConfig extends ServiceConfig {

  @Valid @NotNull private NatsConfig nats = new NatsConfig();
  @Valid @NotNull private Store store = new Store();
  @Valid @NotNull private Scrape scrape = new Scrape();
  @Valid @NotNull private Feeds feeds = new Feeds();
  @Valid @NotNull private Consumers consumers = new Consumers();
  @Valid @NotNull private Rules rules = new Rules();
  @Valid @NotNull private Notifications notifications = new Notifications();

  public MonitoringConfig() {
    super(7106);
  }

  public NatsConfig nats() {
    return nats;
  }

  public Store store() {
    return store;
  }

  public Scrape scrape() {
    return scrape;
  }

  public Feeds feeds() {
    return feeds;
  }

  public Rules rules() {
    return rules;
  }

  public Consumers consumers() {
    return consumers;
  }

  public Notifications notifications() {
    return notifications;
  }

  /** Where rules, silences, alert state and the notification outbox are kept: a JetStream key-value bucket. */
  public static class Store {
    @NotBlank
    @Pattern(regexp = "[a-zA-Z0-9_-]+", message = "must be letters, digits, _ or -")
    private String bucket = "monitoring";

    /** false keeps the bucket in memory (tests): state then does not survive a NATS restart. */
    private boolean fileStorage = true;

    public String bucket() {
      return bucket;
    }

    public boolean fileStorage() {
      return fileStorage;
    }
  }

  /** Scraping every registered instance's Prometheus {@code /metrics}. */
  public static class Scrape {
    @NotNull
    @DurationMin(millis = 100)
    private Duration interval = Duration.ofSeconds(15);

    @NotNull
    @DurationMin(millis = 10)
    private Duration timeout = Duration.ofSeconds(5);

    /** A series with no sample for this long is forgotten (its instance or symbol is gone). */
    @NotNull
    @DurationMin(seconds = 1)
    private Duration staleAfter = Duration.ofMinutes(5);

    /** Samples kept per series: enough for the longest rule window at the scrape interval. */
    @jakarta.validation.constraints.Min(2)
    @jakarta.validation.constraints.Max(100_000)
    private int samplesPerSeries = 256;

    /** Targets outside the registry: job name → host:port of its metrics endpoint. */
    @NotNull private Map<String, @NotBlank String> staticTargets = Map.of();

    public Duration interval() {
      return interval;
    }

    public Duration timeout() {
      return timeout;
    }

    public Duration staleAfter() {
      return staleAfter;
    }

    public int samplesPerSeries() {
      return samplesPerSeries;
    }

    public Map<String, String> staticTargets() {
      return staticTargets;
    }
  }

  /** Feed staleness per subscribed symbol: the collector's subscriptions and the age of each one's newest event. */
  public static class Feeds {
    private boolean enabled = true;

    @NotNull
    @DurationMin(millis = 100)
    private Duration interval = Duration.ofSeconds(5);

    /** The collector's service name (its channel). */
    @NotBlank private String collector = "market-data-collector";

    public boolean enabled() {
      return enabled;
    }

    public Duration interval() {
      return interval;
    }

    public String collector() {
      return collector;
    }
  }

  /** Consumer lag: every JetStream consumer's pending and ack-pending counts, read from the broker. */
  public static class Consumers {
    private boolean enabled = true;

    @NotNull
    @DurationMin(millis = 100)
    private Duration interval = Duration.ofSeconds(15);

    public boolean enabled() {
      return enabled;
    }

    public Duration interval() {
      return interval;
    }
  }

  /** Alert rules: a YAML file of rules installed at start, and the evaluation loop. */
  public static class Rules {
    /** YAML file with a list {@code rules:} of AlertRule (the API's fields, snake or camel case); blank = none. */
    @NotNull private String file = "";

    /** How often the loop looks for rules due for evaluation (each rule has its own evaluation interval). */
    @NotNull
    @DurationMin(millis = 10)
    @DurationMax(seconds = 60)
    private Duration tick = Duration.ofSeconds(1);

    public String file() {
      return file;
    }

    public Duration tick() {
      return tick;
    }
  }

  /** Notifications: webhooks (Alertmanager's JSON), NATS. */
  public static class Notifications {
    @NotNull private List<@NotBlank @Pattern(regexp = "https?://\\S+", message = "must be an http(s) URL") String>
        webhooks = List.of();

    /** Alerts with the same values of these labels go out in one notification. */
    @NotNull private List<@NotBlank String> groupBy = List.of("alertname");

    @NotBlank private String subject = "sys.alerts";

    /** Base of the links in notifications (the gateway, where users reach the monitoring API). */
    @NotBlank private String externalUrl = "http://127.0.0.1:8080";

    @NotNull
    @DurationMin(millis = 1)
    private Duration initialBackoff = Duration.ofMillis(500);

    @NotNull
    @DurationMin(millis = 1)
    private Duration maxBackoff = Duration.ofMinutes(1);

    @NotNull
    @DurationMin(millis = 1)
    private Duration timeout = Duration.ofSeconds(5);

    /** How long a new group's first notification waits to gather its siblings (Alertmanager's group_wait). */
    @NotNull
    @DurationMin(millis = 0)
    @DurationMax(hours = 1)
    private Duration groupWait = Duration.ZERO;

    /** The least time between two notifications of one group (Alertmanager's group_interval). */
    @NotNull
    @DurationMin(millis = 0)
    @DurationMax(hours = 24)
    private Duration groupInterval = Duration.ZERO;

    public Duration groupWait() {
      return groupWait;
    }

    public Duration groupInterval() {
      return groupInterval;
    }

    public List<String> webhooks() {
      return webhooks;
    }

    public List<String> groupBy() {
      return groupBy;
    }

    public String subject() {
      return subject;
    }

    public String externalUrl() {
      return externalUrl;
    }

    public Duration initialBackoff() {
      return initialBackoff;
    }

    public Duration maxBackoff() {
      return maxBackoff;
    }

    public Duration timeout() {
      return timeout;
    }
  }
}

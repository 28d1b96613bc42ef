package io.marketprism.messaging;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import java.util.Arrays;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * The {@code nats} config section every service that talks to NATS has. Bound by the service kit (YAML keys in
 * kebab-case, {@code MARKETPRISM_NATS_URL} overrides {@code nats.url}); defaults suit a local server.
 *
 * <pre>{@code
 * nats:
 *   url: nats://127.0.0.1:4222            # a cluster: every member, comma-separated
 *   reconnect-wait: 1s
 *   streams:
 *     replicas: 1                          # 3 on a cluster of three: each stream and bucket on every member
 *     market-data: {max-age: 7d, max-bytes: -1, duplicate-window: 2m}
 *   publisher: {max-in-flight: 4096, buffer-size: 100000, ack-timeout: 5s}
 * }</pre>
 */
public class NatsConfig {

  /** One server's URL, or every cluster member's, comma-separated: the client fails over between them. */
  @NotBlank
  @Pattern(
      regexp = "\\s*nats://[^,\\s]+\\s*(,\\s*nats://[^,\\s]+\\s*)*",
      message = "must be nats://host:port URLs, comma-separated")
  private String url = "nats://127.0.0.1:4222";

  /** The connection's name as the server shows it; blank means the service's name. */
  @NotNull private String connectionName = "";

  /** Reconnect attempts after a lost connection; -1 means forever. */
  @Min(-1)
  private int maxReconnects = -1;

  @NotNull
  @DurationMin(millis = 1)
  private Duration reconnectWait = Duration.ofSeconds(1);

  @NotNull
  @DurationMin(millis = 1)
  private Duration connectionTimeout = Duration.ofSeconds(5);

  /** Bytes jnats keeps of outgoing messages while disconnected, replayed on reconnect. */
  @PositiveOrZero private long reconnectBufferBytes = 64L * 1024 * 1024;

  @Valid @NotNull private Streams streams = new Streams();

  @Valid @NotNull private Publisher publisher = new Publisher();

  public String url() {
    return url;
  }

  /** The servers of {@link #url()}, one URL each. */
  public String[] servers() {
    return Arrays.stream(url.split(",")).map(String::strip).filter(server -> !server.isEmpty())
        .toArray(String[]::new);
  }

  public String connectionName() {
    return connectionName;
  }

  public int maxReconnects() {
    return maxReconnects;
  }

  public Duration reconnectWait() {
    return reconnectWait;
  }

  public Duration connectionTimeout() {
    return connectionTimeout;
  }

  public long reconnectBufferBytes() {
    return reconnectBufferBytes;
  }

  public Streams streams() {
    return streams;
  }

  public Publisher publisher() {
    return publisher;
  }

  /** A copy pointing at another server (tests, tools). */
  public NatsConfig withUrl(String newUrl) {
    NatsConfig copy = copy();
    copy.url = newUrl;
    return copy;
  }

  /** A copy whose streams and buckets get {@code replicas} copies (tests, tools). */
  public NatsConfig withStreamReplicas(int replicas) {
    NatsConfig copy = copy();
    copy.streams = new Streams();
    copy.streams.replicas = replicas;
    copy.streams.marketData = streams.marketData;
    copy.streams.systemEvents = streams.systemEvents;
    copy.streams.serviceLogs = streams.serviceLogs;
    return copy;
  }

  /** A copy with other publisher settings. */
  public NatsConfig withPublisher(int maxInFlight, int bufferSize, Duration ackTimeout) {
    NatsConfig copy = copy();
    copy.publisher = new Publisher();
    copy.publisher.maxInFlight = maxInFlight;
    copy.publisher.bufferSize = bufferSize;
    copy.publisher.ackTimeout = ackTimeout;
    return copy;
  }

  private NatsConfig copy() {
    NatsConfig copy = new NatsConfig();
    copy.url = url;
    copy.connectionName = connectionName;
    copy.maxReconnects = maxReconnects;
    copy.reconnectWait = reconnectWait;
    copy.connectionTimeout = connectionTimeout;
    copy.reconnectBufferBytes = reconnectBufferBytes;
    copy.streams = streams;
    copy.publisher = publisher;
    return copy;
  }

  /** Retention limits of the three default streams, and the replicas of every stream and bucket services create. */
  public static class Streams {
    /** Copies of each stream on a cluster (JetStream's RAFT replicas); at most the cluster's size, and 5. */
    @Min(1)
    @Max(5)
    private int replicas = 1;

    @Valid @NotNull private StreamLimits marketData = new StreamLimits(Duration.ofDays(7), -1);
    @Valid @NotNull private StreamLimits systemEvents = new StreamLimits(Duration.ofDays(30), 256L << 20);
    @Valid @NotNull private StreamLimits serviceLogs = new StreamLimits(Duration.ofDays(3), 256L << 20);

    public int replicas() {
      return replicas;
    }

    public StreamLimits marketData() {
      return marketData;
    }

    public StreamLimits systemEvents() {
      return systemEvents;
    }

    public StreamLimits serviceLogs() {
      return serviceLogs;
    }
  }

  /**
   * One stream's retention: age, size, message count, and the duplicate window that makes {@code Nats-Msg-Id}
   * retries safe.
   */
  public static class StreamLimits {
    @NotNull
    @DurationMin(seconds = 1)
    private Duration maxAge;

    /** -1 means unlimited. */
    @Min(-1)
    private long maxBytes;

    /** -1 means unlimited. */
    @Min(-1)
    private long maxMsgs = -1;

    @NotNull
    @DurationMin(seconds = 1)
    private Duration duplicateWindow = Duration.ofMinutes(2);

    public StreamLimits() {
      this(Duration.ofDays(7), -1);
    }

    StreamLimits(Duration maxAge, long maxBytes) {
      this.maxAge = maxAge;
      this.maxBytes = maxBytes;
    }

    public Duration maxAge() {
      return maxAge;
    }

    public long maxBytes() {
      return maxBytes;
    }

    public long maxMsgs() {
      return maxMsgs;
    }

    public Duration duplicateWindow() {
      return duplicateWindow;
    }
  }

  /** The bounded async publisher's limits; see {@link BoundedPublisher}. */
  public static class Publisher {
    /** Publishes awaiting their JetStream ack at once: more is faster, with longer ack latency. */
    @Positive private int maxInFlight = 4096;

    /** Messages held while NATS is slow or away; beyond it new messages are shed (and counted). */
    @Positive private int bufferSize = 100_000;

    /** How long to wait for an ack before publishing again with the same message id. */
    @NotNull
    @DurationMin(millis = 1)
    private Duration ackTimeout = Duration.ofSeconds(5);

    public int maxInFlight() {
      return maxInFlight;
    }

    public int bufferSize() {
      return bufferSize;
    }

    public Duration ackTimeout() {
      return ackTimeout;
    }
  }
}
